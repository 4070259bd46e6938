package vm

import (
	"context"
	"strings"

	selinuxpolicy "github.com/pidfdconf/pidfdconf/vm/selinux"
)

// SELinuxPolicyImagePath is where the initramfs carries the binary SELinux
// policy; vm/guest/selinux.go loads it from /selinux/policy when the kernel
// command line asks for SELinux (issue 6).
const SELinuxPolicyImagePath = "selinux/policy"

// ImageFile is an extra file for the initramfs: Name inside it (relative,
// parent directories are created), Src on the host.
type ImageFile struct {
	Name string
	Src  string
}

// bootArgsWantSELinux reports whether a command line enables SELinux
// (selinux=1, or lsm= naming selinux, and no selinux=0); the guest applies
// the same rule.
func bootArgsWantSELinux(cmdline string) bool {
	on := false
	for _, w := range strings.Fields(cmdline) {
		switch {
		case w == "selinux=1":
			on = true
		case w == "selinux=0":
			return false
		case strings.HasPrefix(w, "lsm="):
			for _, l := range strings.Split(strings.TrimPrefix(w, "lsm="), ",") {
				if l == "selinux" {
					on = true
				}
			}
		}
	}
	return on
}

// SELinuxImageFiles returns the policy file for the initramfs when any of
// the kernels boots with SELinux (config lsm-selinux, or -append), else
// nothing. The policy is Debian's selinux-policy-default, linked once into
// the cache (vm/selinux), ~2.2 MB.
func SELinuxImageFiles(ctx context.Context, cacheDir string, kernels []*Kernel, appendArgs string) ([]ImageFile, error) {
	want := false
	for _, k := range kernels {
		if k.BzImage != "" && bootArgsWantSELinux(k.BootArgs+" "+appendArgs) {
			want = true
		}
	}
	if !want {
		return nil, nil
	}
	p, err := selinuxpolicy.Policy(ctx, cacheDir)
	if err != nil {
		return nil, setupErrorf("SELinux policy for the lsm-selinux config: %v", err)
	}
	return []ImageFile{{Name: SELinuxPolicyImagePath, Src: p}}, nil
}
