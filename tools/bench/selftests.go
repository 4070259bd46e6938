package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/selftests"
)

// buildSelftests builds the pidfd selftests of Debian's linux-source package
// of a version (installing it when missing) and returns the programs' paths.
// A program that does not compile is reported and left out.
func buildSelftests(ctx context.Context, cache, version string) ([]string, error) {
	pkg := "linux-source-" + version
	tarball := filepath.Join("/usr/src", pkg+".tar.xz")
	if err := ensurePackages(selftests.MissingPackages()...); err != nil {
		return nil, err
	}
	if _, err := os.Stat(tarball); err != nil {
		if err := ensurePackages(pkg); err != nil {
			return nil, err
		}
	}
	b, err := selftests.BuildPidfd(ctx, tarball, filepath.Join(cache, "selftests"), os.Stdout)
	if err != nil {
		return nil, err
	}
	for _, f := range b.Failures {
		fmt.Printf("selftest %s of %s does not build: %s\n", f.Program, pkg, f.Error)
	}
	var paths []string
	for _, p := range b.Programs {
		paths = append(paths, b.Path(p))
	}
	return paths, nil
}

// ensurePackages installs Debian packages when root (the kernel source
// package only drops a tarball into /usr/src) and otherwise names the command.
func ensurePackages(pkgs ...string) error {
	if len(pkgs) == 0 {
		return nil
	}
	list := strings.Join(pkgs, " ")
	if os.Geteuid() != 0 {
		return fmt.Errorf("the selftests need %s: run `sudo apt-get install -y %s`", list, list)
	}
	fmt.Printf("installing %s (to build the selftests)\n", list)
	install := func() ([]byte, error) {
		cmd := exec.Command("apt-get", append([]string{"install", "-y", "--no-install-recommends"}, pkgs...)...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		return cmd.CombinedOutput()
	}
	if _, err := install(); err != nil {
		if out, err := exec.Command("apt-get", "update").CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get update: %v: %s", err, lastLine(out))
		}
		if out, err := install(); err != nil {
			return fmt.Errorf("apt-get install %s: %v: %s", list, err, lastLine(out))
		}
	}
	return nil
}

func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}
