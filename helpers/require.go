package helpers

import (
	"os"

	. "github.com/onsi/ginkgo/v2"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// RequireFeature runs, skips or fails the current spec by kernel.Feature's
// Decide: a feature missing on a kernel older than its Since skips, one
// whose option the config (or an independent sign) shows off skips, and one
// missing on a kernel that should have it fails, unless allowlisted.
func RequireFeature(features ...*kernel.Feature) {
	GinkgoHelper()
	facts := kernel.RunningFacts()
	for _, f := range features {
		switch d := f.Decide(facts, f.Probe()); d.Action {
		case kernel.SkipSpec:
			SkipFor(d.Class, "%s", d.Reason)
		case kernel.FailSpec:
			Fail(d.Reason)
		}
	}
}

// RequireSince skips the current spec on a kernel older than version, for
// a behaviour no probe can see without staging it (what names it): the
// spec is then the only check, and from version on it must hold.
func RequireSince(version, what string) {
	GinkgoHelper()
	if k := kernel.Kernel(); k.Less(kernel.MustParseVersion(version)) {
		SkipFor(outcome.OlderKernel, "requires %s (since v%s); running %s", what, version, k)
	}
}

// RequireOption skips the current spec when the kernel config, or a sign
// independent of the spec (kernel.Option), shows the option off. Where
// nothing shows it either way the spec runs: what it sees decides.
func RequireOption(o *kernel.Option) {
	GinkgoHelper()
	if ev := o.Evidence(); ev.State == kernel.OptionOff {
		SkipFor(outcome.Config, "requires %s, which is off on this kernel (%s)", o.Name, ev.Evidence)
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
		SkipFor(outcome.Architecture, "%s", kernel.ErrNoRawClone3)
	}
}

// optionOffOrFail is for something the spec found missing (what) that
// needs option o: it returns the evidence that o is off on this kernel, and
// otherwise fails the spec, because a thing missing while its option is on,
// or with nothing showing the option off, is the kernel's failure, never a
// reason to skip. A nil o is an option-free thing, which is never missing.
func optionOffOrFail(o *kernel.Option, what string) string {
	GinkgoHelper()
	if o == nil {
		Fail(what + " is missing, and no kernel config option leaves it out")
		return ""
	}
	switch ev := o.Evidence(); ev.State {
	case kernel.OptionOff:
		return o.Name + " is off on this kernel (" + ev.Evidence + ")"
	case kernel.OptionOn:
		Fail(what + " is missing although " + o.Name + " is on (" + ev.Evidence + ")")
	default:
		Fail(what + " is missing and nothing shows " + o.Name + " off (" + ev.Evidence + "): " + kernel.RunningConfig().Missing())
	}
	return ""
}
