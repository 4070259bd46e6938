package helpers

import (
	"fmt"
	"os"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
)

// A Feature is one kernel capability a spec may depend on. Since is the
// mainline release that introduced it; Config names the kernel option when
// the feature can be configured out, in which case its absence is never a
// regression, only a reason to skip.
type Feature struct {
	Name   string
	Since  string
	Config string
	probe  func() error
	once   sync.Once
	err    error
}

var registry []*Feature

func newFeature(name, since, config string, probe func() error) *Feature {
	f := &Feature{Name: name, Since: since, Config: config, probe: probe}
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

// Constraint declares the feature's Since for --sem-ver-filter and reports.
func (f *Feature) Constraint() ComponentSemVerConstraints {
	return ComponentSemVerConstraint("kernel", ">= "+MustParseVersion(f.Since).String())
}

// Verdict is what RequireFeature does for a feature on a kernel.
type Verdict int

const (
	Run Verdict = iota
	SkipSpec
	FailSpec
)

// Decide applies the feature-gating rule: a present feature runs (backports welcome);
// an absent one skips on kernels older than Since or when it is a config
// option or allowlisted, and fails otherwise, because a feature missing on a
// kernel that should have it is a regression.
func (f *Feature) Decide(kernel KernelVersion, probeErr error, allowMissing []string) (Verdict, string) {
	if probeErr == nil {
		return Run, ""
	}
	switch {
	case kernel.Less(MustParseVersion(f.Since)):
		return SkipSpec, fmt.Sprintf("requires %s (since v%s); running %s", f.Name, f.Since, kernel)
	case f.Config != "":
		return SkipSpec, fmt.Sprintf("requires %s (%s is not enabled, or not active, in this kernel: %v)", f.Name, f.Config, probeErr)
	case contains(allowMissing, f.Name):
		return SkipSpec, fmt.Sprintf("known gap (allowlisted in %s): %s missing: %v", AllowMissingEnv, f.Name, probeErr)
	}
	return FailSpec, fmt.Sprintf("%s is missing on %s although it exists since v%s: %v (allowlist it with %s=%s if this is expected)",
		f.Name, kernel, f.Since, probeErr, AllowMissingEnv, f.Name)
}

// AllowMissingEnv lists features (comma separated) whose absence is a known gap.
const AllowMissingEnv = "PIDFDCONF_ALLOW_MISSING"

func allowMissing() []string {
	return strings.FieldsFunc(os.Getenv(AllowMissingEnv), func(r rune) bool { return r == ',' || r == ' ' })
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// RequireFeature runs, skips or fails the current spec by Decide.
func RequireFeature(features ...*Feature) {
	GinkgoHelper()
	for _, f := range features {
		switch verdict, reason := f.Decide(Kernel(), f.Probe(), allowMissing()); verdict {
		case SkipSpec:
			Skip(reason)
		case FailSpec:
			Fail(reason)
		}
	}
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
		r := ProbeResult{Name: f.Name, Since: f.Since, Config: f.Config, Present: f.Present()}
		if err := f.Probe(); err != nil {
			r.Detail = err.Error()
		}
		out = append(out, r)
	}
	return out
}
