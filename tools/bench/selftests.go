package main

import (
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
func buildSelftests(cache, version string) ([]string, error) {
	pkg := "linux-source-" + version
	tarball := filepath.Join("/usr/src", pkg+".tar.xz")
	if err := ensureSourcePackage(pkg, tarball); err != nil {
		return nil, err
	}
	b, err := selftests.BuildPidfd(tarball, filepath.Join(cache, "selftests"), os.Stdout)
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

// ensureSourcePackage installs Debian's kernel source package when root; it
// only drops a tarball into /usr/src.
func ensureSourcePackage(pkg, tarball string) error {
	if _, err := os.Stat(tarball); err == nil {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("%s is missing: run `sudo apt-get install -y %s`", tarball, pkg)
	}
	fmt.Printf("installing %s (the selftests' source)\n", pkg)
	install := func() ([]byte, error) {
		cmd := exec.Command("apt-get", "install", "-y", "--no-install-recommends", pkg)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		return cmd.CombinedOutput()
	}
	if _, err := install(); err != nil {
		if out, err := exec.Command("apt-get", "update").CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get update: %v: %s", err, lastLine(out))
		}
		if out, err := install(); err != nil {
			return fmt.Errorf("apt-get install %s: %v: %s", pkg, err, lastLine(out))
		}
	}
	return nil
}

func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}
