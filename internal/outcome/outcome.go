// Package outcome names what a spec's report carries beyond pass and fail,
// for the suites that write it and the vm/ runner that reads it. It needs
// no Ginkgo: the runner and the role binary link it too.
package outcome

// SkipClassEntry is the Ginkgo report entry a skipped spec carries, added
// just before the skip; its value is the SkipClass.
const SkipClassEntry = "pidfdconf-skip-class"

// UnstageableEntry is the report entry of a spec whose setup could not be
// staged for a reason that is neither the kernel's behaviour nor a skip
// cause; its value is the reason. The spec fails, and the runner reports it
// as MISS (no verdict) with that reason.
const UnstageableEntry = "pidfdconf-unstageable"

// SkipClass says why a spec skipped, in a form a program can count.
type SkipClass string

const (
	// OlderKernel: the kernel is older than the behaviour's Since.
	OlderKernel SkipClass = "older-kernel"
	// Config: the kernel config, or a sign independent of the probe, has
	// the option off.
	Config SkipClass = "config"
	// Privilege: the spec needs root or a capability the run lacks.
	Privilege SkipClass = "privilege"
	// Architecture: the suite cannot make this probe or spec on this
	// architecture.
	Architecture SkipClass = "architecture"
	// Environment: anything else about the machine (a busy host, a
	// known-gap allowlist, SELinux not enforcing, …).
	Environment SkipClass = "environment"
)
