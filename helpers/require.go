package helpers

import (
	"fmt"
	"os"
	"strings"

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
	for _, f := range features {
		apply(featureDecision(f))
	}
}

// featureDecision is Decide's answer for f on the running kernel.
func featureDecision(f *kernel.Feature) kernel.Decision {
	return f.Decide(kernel.RunningFacts(), f.Probe())
}

// apply skips or fails the current spec as d says; a Run decision does
// nothing.
func apply(d kernel.Decision) {
	GinkgoHelper()
	switch d.Action {
	case kernel.SkipSpec:
		SkipFor(d.Class, "%s", d.Reason)
	case kernel.FailSpec:
		Fail(d.Reason)
	}
}

// Requires labels the specs it decorates with requires:<feature> for each
// feature; RunSuite decides those labels by RequireFeature before the spec
// takes the serial lock or runs any setup. A spec the kernel is too old for
// then skips at once, instead of first waiting for every other suite's
// running spec (a Serial spec's exclusive lock) and starting the helpers
// its BeforeEach starts, only to skip in its body.
func Requires(features ...*kernel.Feature) Labels {
	var labels Labels
	for _, f := range features {
		labels = append(labels, requirement(f.Name, func() kernel.Decision { return featureDecision(f) })...)
	}
	return labels
}

// RequiresSince is RequireSince as a label, decided as Requires' are.
func RequiresSince(version, what string) Labels {
	return requirement(what+" since v"+version, func() kernel.Decision { return sinceDecision(version, what) })
}

// RequiresOption is RequireOption as a label, decided as Requires' are.
func RequiresOption(o *kernel.Option) Labels {
	return requirement(o.Name, func() kernel.Decision { return optionDecision(o) })
}

// A labelled requirement is what a requires: label stands for and how the
// running kernel decides it. An environment's (a needs: label) is decided
// after the kernel's: a spec the kernel is too old for says so, whatever
// the environment.
type labelledRequirement struct {
	what        string
	environment bool
	decide      func() kernel.Decision
}

// requirements are the requires: labels' requirements, by label.
var requirements = map[string]labelledRequirement{}

func requirement(what string, decide func() kernel.Decision) Labels {
	return requirementLabel("requires:"+labelSlug(what), labelledRequirement{what: what, decide: decide})
}

// environmentLabel makes name (a needs: label) an environment's
// requirement, decided as requirement's are (requirementLabel).
func environmentLabel(name, what string, decide func() kernel.Decision) Labels {
	return requirementLabel(name, labelledRequirement{what: what, environment: true, decide: decide})
}

// requirementLabel makes name a label decided in the spec's first node
// (requireLabelled) and, on a linked run, before the run (prefilter).
func requirementLabel(name string, r labelledRequirement) Labels {
	if other, ok := requirements[name]; ok && other.what != r.what {
		panic(fmt.Sprintf("requirements %q and %q share the label %s", other.what, r.what, name))
	}
	requirements[name] = r
	labels := define(name)
	if prefiltered != nil {
		labels = append(labels, prefiltered.record(name, r.decide())...)
	}
	return labels
}

// requireLabelled applies the running spec's requirement labels in their
// order (requirementOrder): the first that does not run decides.
func requireLabelled() {
	for _, l := range requirementOrder(CurrentSpecReport().Labels()) {
		apply(requirements[l].decide())
	}
}

// requirementOrder is the requirement labels among labels in the order
// they are decided: the kernel's, then the environment's, each in the
// order of labels (a spec's containers' first).
func requirementOrder(labels []string) []string {
	var kernels, environments []string
	for _, l := range labels {
		if r, ok := requirements[l]; ok && r.environment {
			environments = append(environments, l)
		} else if ok {
			kernels = append(kernels, l)
		}
	}
	return append(kernels, environments...)
}

// labelSlug is name in lower case with every run of characters other than
// letters and digits made one '-', which Ginkgo accepts in a label.
func labelSlug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// RequireSince skips the current spec on a kernel older than version, for
// a behaviour no probe can see without staging it (what names it): the
// spec is then the only check, and from version on it must hold.
func RequireSince(version, what string) {
	GinkgoHelper()
	apply(sinceDecision(version, what))
}

func sinceDecision(version, what string) kernel.Decision {
	if k := kernel.Kernel(); k.Less(kernel.MustParseVersion(version)) {
		return skipDecision(outcome.OlderKernel, "requires %s (since v%s); running %s", what, version, k)
	}
	return kernel.Decision{Action: kernel.Run}
}

func skipDecision(class outcome.SkipClass, format string, args ...any) kernel.Decision {
	return kernel.Decision{Action: kernel.SkipSpec, Class: class, Reason: fmt.Sprintf(format, args...)}
}

// RequireOption skips the current spec when the kernel config, or a sign
// independent of the spec (kernel.Option), shows the option off. Where
// nothing shows it either way the spec runs: what it sees decides.
func RequireOption(o *kernel.Option) {
	GinkgoHelper()
	apply(optionDecision(o))
}

func optionDecision(o *kernel.Option) kernel.Decision {
	if ev := o.Evidence(); ev.State == kernel.OptionOff {
		return skipDecision(outcome.Config, "requires %s, which is off on this kernel (%s)", o.Name, ev.Evidence)
	}
	return kernel.Decision{Action: kernel.Run}
}

// RequireRoot skips a spec that needs real root, saying what for.
func RequireRoot(what string) {
	GinkgoHelper()
	if os.Geteuid() != 0 {
		SkipFor(outcome.Privilege, "needs root for %s; running as uid %d", what, os.Geteuid())
	}
}

// selinuxEnforcing decides NeedsSELinuxEnforcing: a spec skips unless
// SELinux enforces a policy; where SELinux was asked for
// (kernel.RequireSELinuxEnv) it fails instead.
func selinuxEnforcing() kernel.Decision {
	ok, reason := kernel.SELinuxEnforcing()
	switch {
	case ok:
		return kernel.Decision{Action: kernel.Run}
	case os.Getenv(kernel.RequireSELinuxEnv) == "1":
		return kernel.Decision{Action: kernel.FailSpec, Reason: reason + "; but " + kernel.RequireSELinuxEnv + "=1: this VM config asked for an enforcing policy (see the guest's selinux line on the console)"}
	}
	return skipDecision(outcome.Environment, "%s", reason)
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
