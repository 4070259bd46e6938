package image

import (
	"context"
	"errors"

	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/selinux"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// File is an extra file for the initramfs: Name inside it (relative,
// parent directories are created), Src on the host, executable or not.
type File struct {
	Name       string
	Src        string
	Executable bool
}

// SELinuxFiles returns the policy file for the initramfs when any of
// the kernels boots with SELinux (config lsm-selinux, or -append), else
// nothing. The policy is Debian's selinux-policy-default, linked once into
// the cache (vm/selinux), ~2.2 MB.
func SELinuxFiles(ctx context.Context, log func(string, ...any), cacheDir string, kernels []*kernels.Kernel, appendArgs string) ([]File, error) {
	want := false
	for _, k := range kernels {
		if k.BzImage != "" && selinux.Requested(k.BootArgs+" "+appendArgs) {
			want = true
		}
	}
	if !want {
		return nil, nil
	}
	p, err := selinux.Policy(ctx, cacheDir)
	if errors.Is(err, selinux.ErrNoSemodule) || errors.Is(err, selinux.ErrNoCandidate) {
		// Only a policy that is not cached yet needs the tools.
		if err := ensureSELinuxTools(ctx, log); err != nil {
			return nil, err
		}
		p, err = selinux.Policy(ctx, cacheDir)
	}
	if err != nil {
		return nil, setup.Errorf("SELinux policy for the lsm-selinux config: %v", err)
	}
	return []File{{Name: frame.SELinuxPolicyPath, Src: p}}, nil
}
