package image

import (
	"context"
	"os/exec"

	"github.com/pidfdconf/pidfdconf/vm/selinux"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// ensureSELinuxTools makes the host able to build the lsm-selinux policy, as
// EnsureQEMU does for booting: semodule (policycoreutils) installed, and
// selinux-policy-default known to apt. That package is only downloaded and
// unpacked into the cache, never installed: installing it would link a
// policy store into the host's /etc/selinux, which nothing here needs.
// Without root it stops with the command to run.
func ensureSELinuxTools(ctx context.Context, log func(string, ...any)) error {
	const why = "linking the SELinux policy of lsm-selinux"
	if _, err := exec.LookPath("semodule"); err != nil {
		if err := setup.EnsurePackages(ctx, log, why, selinux.ToolsPackage); err != nil {
			return err
		}
		if _, err := exec.LookPath("semodule"); err != nil {
			return setup.Errorf("semodule not found after installing %s: run `apt-get install -y %s`", selinux.ToolsPackage, selinux.ToolsPackage)
		}
	}
	if aptKnows(ctx, selinux.Package) {
		return nil
	}
	if !setup.IsRoot() {
		return setup.Errorf("%s needs the package lists to name %s: run `sudo apt-get update`", why, selinux.Package)
	}
	log("refreshing the package lists (%s: %s unknown to apt)", why, selinux.Package)
	if out, err := setup.Command(ctx, "", []string{"DEBIAN_FRONTEND=noninteractive"}, "apt-get", "update"); err != nil {
		return setup.Errorf("`apt-get update` failed: %s", setup.LastLine(out))
	}
	if !aptKnows(ctx, selinux.Package) {
		return setup.Errorf("apt has no candidate of %s after apt-get update: add Debian main to the apt sources", selinux.Package)
	}
	return nil
}

// aptKnows reports whether apt has a candidate version of pkg to download.
func aptKnows(ctx context.Context, pkg string) bool {
	out, err := exec.CommandContext(ctx, "apt-cache", "policy", pkg).Output()
	return err == nil && selinux.ParseCandidate(string(out)) != ""
}
