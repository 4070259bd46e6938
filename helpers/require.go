package helpers

import (
	"os"

	. "github.com/onsi/ginkgo/v2"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// RequireFeature runs, skips or fails the current spec by kernel.Feature's
// Decide: a feature missing on a kernel older than its Since skips, one
// missing on a newer kernel fails (unless allowlisted or a config option).
func RequireFeature(features ...*kernel.Feature) {
	GinkgoHelper()
	for _, f := range features {
		switch verdict, class, reason := f.DecideClass(kernel.Kernel(), f.Probe(), kernel.AllowedMissing()); verdict {
		case kernel.SkipSpec:
			SkipFor(class, "%s", reason)
		case kernel.FailSpec:
			Fail(reason)
		}
	}
}

// RequireOption skips the current spec when the kernel is built without the
// option, naming it and the evidence.
func RequireOption(o *kernel.Option) {
	GinkgoHelper()
	if why := o.Off(); why != "" {
		SkipFor(outcome.Config, "requires %s, which is off on this kernel (%s)", o.Name, why)
	}
}

// RequireRoot skips a spec that needs real root, saying what for.
func RequireRoot(what string) {
	GinkgoHelper()
	if os.Geteuid() != 0 {
		SkipFor(outcome.Privilege, "needs root for %s; running as uid %d", what, os.Geteuid())
	}
}

// RequireSELinuxEnforcing skips the spec unless SELinux enforces a policy;
// where SELinux was asked for (kernel.RequireSELinuxEnv) it fails instead.
func RequireSELinuxEnforcing() {
	GinkgoHelper()
	if ok, reason := kernel.SELinuxEnforcing(); !ok {
		if os.Getenv(kernel.RequireSELinuxEnv) == "1" {
			Fail(reason + "; but " + kernel.RequireSELinuxEnv + "=1: this VM config asked for an enforcing policy (see the guest's selinux line on the console)")
		}
		SkipFor(outcome.Environment, "%s", reason)
	}
}

// RequireRawClone3 skips a spec on architectures without the clone3 stub.
func RequireRawClone3() {
	GinkgoHelper()
	if !kernel.HaveRawClone3 {
		SkipFor(outcome.Architecture, "%v", kernel.ErrNoRawClone3)
	}
}
