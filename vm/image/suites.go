package image

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// ModuleRoot finds the directory holding go.mod, searching up from dir.
func ModuleRoot(dir string) (string, error) {
	d, _ := filepath.Abs(dir)
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", setup.Errorf("no go.mod above %s: run pidfdconf-vm from the pidfdconf checkout", dir)
		}
		d = parent
	}
}

// DiscoverSuites lists suites/<area> directories that hold a
// *_suite_test.go, the same rule as the top Makefile. None is fine: the run
// still boots every kernel and reports the boot row.
func DiscoverSuites(root string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(root, "suites", "*", "*_suite_test.go"))
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var areas []string
	for _, m := range matches {
		a := filepath.Base(filepath.Dir(m))
		if !seen[a] {
			seen[a] = true
			areas = append(areas, a)
		}
	}
	sort.Strings(areas)
	return areas, nil
}

// LinkedSuites is the program of every suite (cmd/pidfdconf-suites) in a
// suites directory, and in the image's.
const LinkedSuites = "pidfdconf-suites"

// BuildSuites compiles the suites for goarch into out, static
// (CGO_ENABLED=0: the initramfs has no libc) and stripped: the program of
// every suite, with a link <out>/<area>.test to it per area, which runs as
// that suite's test binary (one copy of the shared code, not one per
// suite). When the program does not compile, each suite is built alone as
// its own test binary, so one that does not compile is left out (returned
// in broken: area → compiler output) and the others still run.
func BuildSuites(ctx context.Context, root, out, goarch string, areas []string) (bins []string, broken map[string]string, err error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, nil, err
	}
	broken = map[string]string{}
	if len(areas) == 0 {
		return nil, broken, nil
	}
	// A link left from an earlier build must not be written through.
	for _, a := range areas {
		if err := os.Remove(filepath.Join(out, a+".test")); err != nil && !os.IsNotExist(err) {
			return nil, nil, err
		}
	}
	if _, err := buildStatic(ctx, root, filepath.Join(out, LinkedSuites), goarch, "./cmd/pidfdconf-suites"); err == nil {
		for _, a := range areas {
			link := filepath.Join(out, a+".test")
			if err := os.Symlink(LinkedSuites, link); err != nil {
				return nil, nil, err
			}
			bins = append(bins, link)
		}
		return bins, broken, nil
	}
	if ctx.Err() != nil {
		return nil, nil, ctx.Err()
	}
	for _, a := range areas {
		args := []string{"test", "-c", "-ldflags=-s -w", "-trimpath", "-o", out + string(os.PathSeparator), "./suites/" + a}
		if o, err := setup.Command(ctx, root, []string{"CGO_ENABLED=0", "GOARCH=" + goarch, "GOFLAGS=-buildvcs=false"}, GoCommand(), args...); err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			broken[a] = fmt.Sprintf("suite %s does not compile for %s: %s", a, goarch, format.OneLine(string(o)))
			continue
		}
		// go test -c writes nothing for a package without tests.
		if bin := filepath.Join(out, a+".test"); fileExists(bin) {
			bins = append(bins, bin)
		}
	}
	return bins, broken, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// BuildGuest compiles vm/guest, the VM's /init.
func BuildGuest(ctx context.Context, root, out, goarch string, warn func(string, ...any)) (string, error) {
	return buildStatic(ctx, root, filepath.Join(out, "init-"+goarch), goarch, "./vm/guest")
}

// buildStatic builds pkg into bin, static and stripped.
func buildStatic(ctx context.Context, root, bin, goarch, pkg string) (string, error) {
	o, err := setup.Command(ctx, root, []string{"CGO_ENABLED=0", "GOARCH=" + goarch, "GOFLAGS=-buildvcs=false"},
		GoCommand(), "build", "-ldflags=-s -w", "-trimpath", "-o", bin, pkg)
	if err == nil {
		return bin, nil
	}
	return "", fmt.Errorf("building %s for %s failed: %s", pkg, goarch, strings.TrimSpace(string(o)))
}

// GoCommand is the go tool that runs us when known (GOROOT of `go run`),
// else go on PATH.
func GoCommand() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	if r := os.Getenv("GOROOT"); r != "" {
		if _, err := os.Stat(filepath.Join(r, "bin", "go")); err == nil {
			return filepath.Join(r, "bin", "go")
		}
	}
	return "go"
}
