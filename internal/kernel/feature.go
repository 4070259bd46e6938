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
// cannot exist without, whose absence is never a regression, only a reason
// to skip.
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

// Verdict is what a spec that requires a feature does on a kernel.
type Verdict int

const (
	Run Verdict = iota
	SkipSpec
	FailSpec
)

// Decide applies the feature-gating rule: a present feature runs (backports
// welcome); an absent one skips when the kernel is built without an option
// it needs, on kernels older than Since, or when allowlisted, and fails
// otherwise, because a feature missing on a kernel that should have it is a
// regression.
func (f *Feature) Decide(kernel KernelVersion, probeErr error, allowMissing []string) (Verdict, string) {
	verdict, _, reason := f.DecideClass(kernel, probeErr, allowMissing)
	return verdict, reason
}

// DecideClass is Decide that also says which class a skip belongs to.
func (f *Feature) DecideClass(kernel KernelVersion, probeErr error, allowMissing []string) (Verdict, outcome.SkipClass, string) {
	if probeErr == nil {
		return Run, "", ""
	}
	if errors.Is(probeErr, ErrNotProbeable) {
		return SkipSpec, outcome.Architecture, fmt.Sprintf("%s cannot be checked here: %v", f.Name, probeErr)
	}
	for _, o := range f.Needs {
		if why := o.Off(); why != "" {
			return SkipSpec, outcome.Config, fmt.Sprintf("requires %s, which is off on this kernel (%s); %s: %v", o.Name, why, f.Name, probeErr)
		}
	}
	switch {
	case kernel.Less(MustParseVersion(f.Since)):
		return SkipSpec, outcome.OlderKernel, fmt.Sprintf("requires %s (since v%s); running %s", f.Name, f.Since, kernel)
	case slices.Contains(allowMissing, f.Name):
		return SkipSpec, outcome.Environment, fmt.Sprintf("known gap (allowlisted in %s): %s missing: %v", AllowMissingEnv, f.Name, probeErr)
	}
	return FailSpec, "", fmt.Sprintf("%s is missing on %s although it exists since v%s: %v (allowlist it with %s=%s if this is expected)",
		f.Name, kernel, f.Since, probeErr, AllowMissingEnv, f.Name)
}

// AllowedMissing is the list in PIDFDCONF_ALLOW_MISSING.
func AllowedMissing() []string {
	return strings.FieldsFunc(os.Getenv(AllowMissingEnv), func(r rune) bool { return r == ',' || r == ' ' })
}

// ProbeResult is one feature's probe outcome, for reports and the VM guest.
type ProbeResult struct {
	Name    string `json:"name"`
	Since   string `json:"since"`
	Config  string `json:"config,omitempty"`
	Present bool   `json:"present"`
	Detail  string `json:"detail,omitempty"`
}

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
