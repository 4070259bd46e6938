package vm

import (
	"context"
	"os/exec"

	selinuxpolicy "github.com/pidfdconf/pidfdconf/vm/selinux"
)

// EnsureSELinuxTools makes the host able to build the lsm-selinux policy, as
// EnsureQEMU does for booting: semodule (policycoreutils) installed, and
// selinux-policy-default known to apt. That package is only downloaded and
// unpacked into the cache, never installed: installing it would link a
// policy store into the host's /etc/selinux, which nothing here needs.
// Without root it stops with the command to run.
func EnsureSELinuxTools(ctx context.Context, log func(string, ...any)) error {
	const why = "linking the SELinux policy of lsm-selinux"
	if _, err := exec.LookPath("semodule"); err != nil {
		if err := ensurePackages(ctx, log, why, selinuxpolicy.ToolsPackage); err != nil {
			return err
		}
		if _, err := exec.LookPath("semodule"); err != nil {
			return setupErrorf("semodule not found after installing %s: run `apt-get install -y %s`", selinuxpolicy.ToolsPackage, selinuxpolicy.ToolsPackage)
		}
	}
	if aptKnows(ctx, selinuxpolicy.Package) {
		return nil
	}
	if !isRoot() {
		return setupErrorf("%s needs the package lists to name %s: run `sudo apt-get update`", why, selinuxpolicy.Package)
	}
	log("refreshing the package lists (%s: %s unknown to apt)", why, selinuxpolicy.Package)
	if out, err := runCmd(ctx, "", []string{"DEBIAN_FRONTEND=noninteractive"}, "apt-get", "update"); err != nil {
		return setupErrorf("`apt-get update` failed: %s", lastLine(out))
	}
	if !aptKnows(ctx, selinuxpolicy.Package) {
		return setupErrorf("apt has no candidate of %s after apt-get update: add Debian main to the apt sources", selinuxpolicy.Package)
	}
	return nil
}

// aptKnows reports whether apt has a candidate version of pkg to download.
func aptKnows(ctx context.Context, pkg string) bool {
	out, err := exec.CommandContext(ctx, "apt-cache", "policy", pkg).Output()
	return err == nil && selinuxpolicy.ParseCandidate(string(out)) != ""
}
