package kernel

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// A Feature is one kernel capability a spec may depend on. Since is the
// mainline release that introduced it; Needs lists the config options it
// cannot exist without: one shown off (option.go) is never a regression,
// only a reason to skip.
type Feature struct {
	Name  string
	Since string
	Needs []*Option
	probe func() error
	once  sync.Once
	err   error
}

var registry []*Feature

func newFeature(name, since string, probe func() error, needs ...*Option) *Feature {
	f := &Feature{Name: name, Since: since, Needs: needs, probe: probe}
	registry = append(registry, f)
	return f
}

// Probe runs the feature's probe once per process; nil means present.
func (f *Feature) Probe() error {
	f.once.Do(func() { f.err = f.probe() })
	return f.err
}

// Present reports whether the running kernel has the feature.
func (f *Feature) Present() bool { return f.Probe() == nil }

// ErrNotProbeable marks a probe the suite cannot make on this platform (a
// stub of ours is missing, not the kernel's feature): the spec skips.
var ErrNotProbeable = errors.New("the suite cannot make this probe on this platform")

// Action is what a spec that requires a feature does on a kernel.
type Action int

const (
	Run Action = iota
	SkipSpec
	FailSpec
)

// A Decision is Decide's answer: the action, the class of a skip and the
// reason for a skip or a failure.
type Decision struct {
	Action Action
	Class  outcome.SkipClass
	Reason string
}

// Facts are what Decide weighs besides the probe: the kernel's version,
// its config as far as it could be read, and the user's allowlist.
type Facts struct {
	Kernel       KernelVersion
	Config       *KernelConfig
	AllowMissing []string
}

// RunningFacts are the facts of the running kernel and environment.
func RunningFacts() Facts {
	return Facts{Kernel: Kernel(), Config: RunningConfig(), AllowMissing: AllowedMissing()}
}

// Decide applies the feature-gating rule. A present feature runs (backports
// welcome). An absent one skips on a kernel older than Since, when the
// config or an independent sign shows an option it needs off, or when the
// user allowlisted it; otherwise it fails, because a feature missing on a
// kernel that should have it is a regression, and the probe's failure alone
// never shows an option off.
func (f *Feature) Decide(facts Facts, probeErr error) Decision {
	if probeErr == nil {
		return Decision{Action: Run}
	}
	if errors.Is(probeErr, ErrNotProbeable) {
		return skip(outcome.Architecture, "%s cannot be checked here: %v", f.Name, probeErr)
	}
	if facts.Kernel.Less(MustParseVersion(f.Since)) {
		return skip(outcome.OlderKernel, "requires %s (since v%s); running %s", f.Name, f.Since, facts.Kernel)
	}
	var options []string
	for _, o := range f.Needs {
		ev := o.EvidenceFrom(facts.Config)
		switch ev.State {
		case OptionOff:
			return skip(outcome.Config, "requires %s, which is off on this kernel (%s); %s: %v", o.Name, ev.Evidence, f.Name, probeErr)
		case OptionOn:
			options = append(options, fmt.Sprintf("%s is on (%s)", o.Name, ev.Evidence))
		default:
			options = append(options, fmt.Sprintf("nothing shows %s off (%s): %s", o.Name, ev.Evidence, facts.Config.Missing()))
		}
	}
	if slices.Contains(facts.AllowMissing, f.Name) {
		return skip(outcome.Environment, "known gap (allowlisted in %s): %s missing: %v", AllowMissingEnv, f.Name, probeErr)
	}
	reason := fmt.Sprintf("%s is missing on %s although it exists since v%s: %v", f.Name, facts.Kernel, f.Since, probeErr)
	for _, o := range options {
		reason += "; " + o
	}
	return Decision{Action: FailSpec, Reason: reason + "; if this is expected, allowlist it with " + AllowMissingEnv + "=" + quoteForShell(f.Name)}
}

func skip(class outcome.SkipClass, format string, args ...any) Decision {
	return Decision{Action: SkipSpec, Class: class, Reason: fmt.Sprintf(format, args...)}
}

// quoteForShell quotes a feature name for the allowlist suggestion when the
// shell would split or expand it.
func quoteForShell(name string) string {
	if strings.ContainsAny(name, " \t()[]*?$'\"|&;<>") {
		return "'" + strings.ReplaceAll(name, "'", `'\''`) + "'"
	}
	return name
}

// AllowedMissing is the list in PIDFDCONF_ALLOW_MISSING.
func AllowedMissing() []string { return ParseAllowMissing(os.Getenv(AllowMissingEnv)) }

// ParseAllowMissing splits an allowlist at commas and trims each name:
// feature names contain spaces ("pid namespaces"), never commas.
func ParseAllowMissing(list string) []string {
	var names []string
	for _, n := range strings.Split(list, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// ProbeResult is one feature's probe outcome, for reports and the VM guest.
type ProbeResult struct {
	Name    string `json:"name"`
	Since   string `json:"since"`
	Config  string `json:"config,omitempty"`
	Present bool   `json:"present"`
	Detail  string `json:"detail,omitempty"`
}

// Features are every registered feature, in registration order.
func Features() []*Feature { return slices.Clone(registry) }

// ProbeAll probes every registered feature.
func ProbeAll() []ProbeResult {
	out := make([]ProbeResult, 0, len(registry))
	for _, f := range registry {
		r := ProbeResult{Name: f.Name, Since: f.Since, Present: f.Present()}
		var needs []string
		for _, o := range f.Needs {
			needs = append(needs, o.Name)
		}
		r.Config = strings.Join(needs, ",")
		if err := f.Probe(); err != nil {
			r.Detail = err.Error()
		}
		out = append(out, r)
	}
	return out
}
