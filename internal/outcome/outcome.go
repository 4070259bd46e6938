// Package outcome names what a spec's result means beyond pass and fail, in
// the report entries the VM runner reads: why a spec skipped, and that its
// setup could not be staged. It imports nothing, so the runner, the guest
// and the suites share it without Ginkgo.
package outcome

// SkipClassEntry is the report entry a skipping spec adds just before it
// skips; its value is the SkipClass.
const SkipClassEntry = "pidfdconf-skip-class"

// UnstageableEntry is the report entry of a spec whose setup could not be
// staged; its value is the reason. The runner makes such a spec a MISS.
const UnstageableEntry = "pidfdconf-unstageable"

// A SkipClass says what kind of evidence a skip rests on.
type SkipClass string

const (
	// OlderKernel: the kernel is older than the behaviour's Since.
	OlderKernel SkipClass = "older-kernel"
	// Config: the kernel config, or a sign independent of the probe, has
	// the option off.
	Config SkipClass = "config"
	// Privilege: the spec needs root or a capability the run lacks.
	Privilege SkipClass = "privilege"
	// Architecture: the suite cannot make this probe or spec on this arch.
	Architecture SkipClass = "architecture"
	// Environment: anything else about the machine (a sysctl, a host too
	// busy to stage a reuse, a known-gap allowlist).
	Environment SkipClass = "environment"
)
