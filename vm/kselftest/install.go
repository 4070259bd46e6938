package kselftest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Collection is the collection's name: its directory in the install and
// the part before ":" in kselftest-list.txt.
const Collection = "pidfdconf"

// settings is the collection's settings file, which runner.sh reads before
// each program (lines starting with "#" are skipped; no blank lines: each
// line is evaluated as field=value).
const settings = `# pidfdconf: the Linux pidfd API conformance suites, one program per suite.
# The runner's default of 45 s per program is too short under emulation: the
# slowest suite (pidfs) took up to 74 s in pidfdconf's own QEMU TCG runs (with
# PIDFDCONF_TIME_SCALE=4, which slow targets should export too), and natively
# every suite ends within 5 s. 300 s leaves four times the slowest. A program
# ends its own run at four fifths of this timeout (run_kselftest.sh -o too),
# so a hung spec reads TIMEOUT and the specs after it MISS, with their names,
# before the runner would kill it.
timeout=300
`

// Options of an install.
type Options struct {
	Dir    string    // INSTALL_PATH
	Arch   string    // the kernel's ARCH name; "" is this machine's
	Runner bool      // copy the kernel's runner in when Dir has none
	Log    io.Writer // progress
}

// Installed is what an install wrote.
type Installed struct {
	Dir      string   // the collection's directory
	GOARCH   string   // what the programs were built for
	Programs []string // one per suite, by suite name
	Runner   string   // the linux-source the runner came from, when copied
}

// GOARCH maps the kernel's ARCH names (and Go's) to GOARCH.
func GOARCH(arch string) (string, error) {
	switch arch {
	case "":
		return runtime.GOARCH, nil
	case "x86_64", "amd64":
		return "amd64", nil
	case "i386", "i686", "386":
		return "386", nil
	case "arm64", "aarch64":
		return "arm64", nil
	}
	return "", fmt.Errorf("ARCH=%s: the collection builds for x86_64, i386 and arm64", arch)
}

// Install builds the collection into opts.Dir/pidfdconf (replacing what an
// earlier install put there) and adds its lines to kselftest-list.txt.
func Install(ctx context.Context, opts Options) (Installed, error) {
	var c Installed
	goarch, err := GOARCH(opts.Arch)
	if err != nil {
		return c, err
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	root, err := image.ModuleRoot(".")
	if err != nil {
		return c, err
	}
	areas, err := image.DiscoverSuites(root)
	if err != nil || len(areas) == 0 {
		return c, fmt.Errorf("no suites under %s/suites: %v", root, err)
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return c, err
	}
	// Built beside the collection and swapped in whole: a failed build
	// leaves an earlier install as it was.
	tmp, err := os.MkdirTemp(opts.Dir, ".pidfdconf-")
	if err != nil {
		return c, err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(opts.Log, "building %d suites and the role binaries for GOARCH=%s\n", len(areas), goarch)
	if err := buildPrograms(ctx, root, tmp, goarch, areas); err != nil {
		return c, err
	}
	roles, err := image.BuildRoleBinaries(ctx, root, tmp, goarch, func(format string, args ...any) { fmt.Fprintf(opts.Log, format+"\n", args...) })
	if err != nil {
		return c, err
	}
	if _, err := roles.MoveBeside(tmp); err != nil {
		return c, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "settings"), []byte(settings), 0o644); err != nil {
		return c, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return c, err
	}
	c.Dir = filepath.Join(opts.Dir, Collection)
	if err := os.RemoveAll(c.Dir); err != nil {
		return c, err
	}
	if err := os.Rename(tmp, c.Dir); err != nil {
		return c, err
	}
	c.GOARCH, c.Programs = goarch, areas
	if err := mergeList(filepath.Join(opts.Dir, "kselftest-list.txt"), Collection, areas); err != nil {
		return c, err
	}
	if opts.Runner {
		if c.Runner, err = installRunner(ctx, opts.Dir, opts.Log); err != nil {
			return c, err
		}
	}
	return c, nil
}

// buildPrograms compiles every suite, static, into dir/<area>, stamped as
// a program of the collection (helpers.kselftestBuild).
func buildPrograms(ctx context.Context, root, dir, goarch string, areas []string) error {
	args := []string{"test", "-c", "-trimpath", "-o", dir + string(os.PathSeparator),
		"-ldflags=-s -w -X github.com/pidfdconf/pidfdconf/helpers.kselftestBuild=1"}
	for _, a := range areas {
		args = append(args, "./suites/"+a)
	}
	env := []string{"CGO_ENABLED=0", "GOARCH=" + goarch, "GOFLAGS=-buildvcs=false"}
	if out, err := setup.Command(ctx, root, env, image.GoCommand(), args...); err != nil {
		return fmt.Errorf("building the suites for GOARCH=%s failed: %s", goarch, strings.TrimSpace(string(out)))
	}
	for _, a := range areas {
		if err := os.Rename(filepath.Join(dir, a+".test"), filepath.Join(dir, a)); err != nil {
			return fmt.Errorf("suite %s built no program: %w", a, err)
		}
	}
	return nil
}
