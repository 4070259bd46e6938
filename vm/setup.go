package vm

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

func isRoot() bool { return os.Geteuid() == 0 }

// packageInstalled asks dpkg, the authority on what is installed.
func packageInstalled(pkg string) bool {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", pkg).Output()
	return err == nil && strings.Contains(string(out), "install ok installed")
}

// ensurePackages installs missing Debian packages when root; otherwise it
// stops with the exact command to run.
func ensurePackages(ctx context.Context, log func(string, ...any), why string, pkgs ...string) error {
	var missing []string
	for _, p := range pkgs {
		if !packageInstalled(p) {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	cmdline := "apt-get install -y --no-install-recommends " + strings.Join(missing, " ")
	if !isRoot() {
		return setupErrorf("%s needs %s: run `sudo %s`", why, strings.Join(missing, ", "), cmdline)
	}
	// Not a Debian-like host (or a PATH without apt-get): name the packages
	// instead of failing on an apt-get that is not there.
	if _, err := exec.LookPath("apt-get"); err != nil {
		return setupErrorf("%s needs the Debian package(s) %s and apt-get is not on PATH: install them (or their equivalent) with the system's package manager, e.g. `%s`", why, strings.Join(missing, ", "), cmdline)
	}
	log("installing %s (%s)", strings.Join(missing, " "), why)
	args := append([]string{"install", "-y", "--no-install-recommends"}, missing...)
	env := []string{"DEBIAN_FRONTEND=noninteractive"}
	if _, err := runCmd(ctx, "", env, "apt-get", args...); err == nil {
		return nil
	}
	// Stale or missing package lists are the usual cause: refresh once.
	if out, err := runCmd(ctx, "", env, "apt-get", "update"); err != nil {
		return setupErrorf("`apt-get update` failed: %s", lastLine(out))
	}
	if out, err := runCmd(ctx, "", env, "apt-get", args...); err != nil {
		return setupErrorf("`%s` failed: %s", cmdline, lastLine(out))
	}
	return nil
}

// runCmd runs a command and returns its combined output.
func runCmd(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return buf.Bytes(), err
}

// lastLine is the last non-empty line of a tool's output: usually the error.
func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return "(no output)"
}

func fmtDur(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }
