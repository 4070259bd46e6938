package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// selftestPrograms are the pidfd selftests of linux-source 6.1 and 6.12.
var selftestPrograms = []string{
	"pidfd_open_test", "pidfd_fdinfo_test", "pidfd_test", "pidfd_poll_test",
	"pidfd_wait", "pidfd_getfd_test", "pidfd_setns_test",
}

// buildSelftests extracts the pidfd selftests from Debian's source tarball
// into the cache (keyed by the package version) and compiles them there.
func buildSelftests(cache, version string) ([]string, error) {
	pkg := "linux-source-" + version
	tarball := filepath.Join("/usr/src", pkg+".tar.xz")
	if err := ensureSourcePackage(pkg, tarball); err != nil {
		return nil, err
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		return nil, fmt.Errorf("gcc is needed to build the selftests: run `apt-get install -y gcc libc6-dev`")
	}
	ver, err := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
	if err != nil {
		return nil, fmt.Errorf("cannot read the version of %s: %v", pkg, err)
	}
	key := fmt.Sprintf("%x", sha256.Sum256([]byte(pkg+" "+string(ver))))[:16]
	dir := filepath.Join(cache, "selftests", key)
	pidfdDir := filepath.Join(dir, pkg, "tools/testing/selftests/pidfd")
	if _, err := os.Stat(filepath.Join(pidfdDir, selftestPrograms[len(selftestPrograms)-1])); err == nil {
		return programPaths(pidfdDir), nil
	}
	fmt.Printf("extracting and building the pidfd selftests of %s %s into %s\n", pkg, ver, dir)
	// Build in a temporary directory and rename it into place, so an
	// interrupted build never leaves a half-built cache entry.
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(cache, "selftests-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	sub := pkg + "/tools/testing/selftests/"
	if out, err := exec.Command("tar", "-xJf", tarball, "-C", tmp, "--wildcards",
		sub+"pidfd/*", sub+"kselftest*", sub+"clone3/*").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("extracting the selftests from %s: %v: %s", tarball, err, out)
	}
	src := filepath.Join(tmp, pkg, "tools/testing/selftests/pidfd")
	for _, p := range selftestPrograms {
		cmd := exec.Command("gcc", "-g", "-pthread", "-Wall", "-o", p, p+".c")
		cmd.Dir = src
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("building %s: %v\n%s", p, err, out)
		}
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, err
	}
	return programPaths(pidfdDir), nil
}

func programPaths(dir string) []string {
	var paths []string
	for _, p := range selftestPrograms {
		paths = append(paths, filepath.Join(dir, p))
	}
	return paths
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
