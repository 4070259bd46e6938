package setup

import (
	"context"
	"os"
	"os/exec"
	"strings"
)

// IsRoot reports whether the runner may install packages itself.
func IsRoot() bool { return os.Geteuid() == 0 }

// PackageInstalled asks dpkg, the authority on what is installed.
func PackageInstalled(pkg string) bool {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", pkg).Output()
	return err == nil && strings.Contains(string(out), "install ok installed")
}

// EnsurePackages installs missing Debian packages when root; otherwise it
// stops with the exact command to run.
func EnsurePackages(ctx context.Context, log func(string, ...any), why string, pkgs ...string) error {
	var missing []string
	for _, p := range pkgs {
		if !PackageInstalled(p) {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	cmdline := "apt-get install -y --no-install-recommends " + strings.Join(missing, " ")
	if !IsRoot() {
		return Errorf("%s needs %s: run `sudo %s`", why, strings.Join(missing, ", "), cmdline)
	}
	// Not a Debian-like host (or a PATH without apt-get): name the packages
	// instead of failing on an apt-get that is not there.
	if _, err := exec.LookPath("apt-get"); err != nil {
		return Errorf("%s needs the Debian package(s) %s and apt-get is not on PATH: install them (or their equivalent) with the system's package manager, e.g. `%s`", why, strings.Join(missing, ", "), cmdline)
	}
	log("installing %s (%s)", strings.Join(missing, " "), why)
	args := append([]string{"install", "-y", "--no-install-recommends"}, missing...)
	env := []string{"DEBIAN_FRONTEND=noninteractive"}
	if _, err := Command(ctx, "", env, "apt-get", args...); err == nil {
		return nil
	}
	// Stale or missing package lists are the usual cause: refresh once.
	if out, err := Command(ctx, "", env, "apt-get", "update"); err != nil {
		return Errorf("`apt-get update` failed: %s", LastLine(out))
	}
	if out, err := Command(ctx, "", env, "apt-get", args...); err != nil {
		return Errorf("`%s` failed: %s", cmdline, LastLine(out))
	}
	return nil
}
