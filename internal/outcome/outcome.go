// Package outcome is the vocabulary a spec and the VM runner share for
// verdicts that are neither PASS nor FAIL: the class of a SKIP and the mark
// of a spec whose setup could not be staged. It imports nothing, so the
// runner can read it without Ginkgo or the suites.
package outcome

// SkipClassEntry names the Ginkgo report entry, added just before Skip,
// whose value is the skip's SkipClass.
const SkipClassEntry = "pidfdconf-skip-class"

// UnstageableEntry names the Ginkgo report entry, added before the spec
// fails, whose value says why its setup could not be staged: the runner
// reports such a spec as MISS (no verdict), never as a kernel FAIL.
const UnstageableEntry = "pidfdconf-unstageable"

// SkipClass says why a spec did not apply; each class is a claim backed by
// evidence the skipped check itself did not produce.
type SkipClass string

const (
	// OlderKernel: the kernel is older than the behaviour's Since.
	OlderKernel SkipClass = "older-kernel"
	// Config: the kernel config, or a sign independent of the feature's
	// probe, has the option the behaviour needs off.
	Config SkipClass = "config"
	// Privilege: the spec needs root or a capability the run lacks.
	Privilege SkipClass = "privilege"
	// Architecture: the suite cannot make this probe or spec on this arch.
	Architecture SkipClass = "architecture"
	// Environment: anything else about the machine (a host too busy to
	// stage a pid reuse, an allowlisted known gap, SELinux not enforcing).
	Environment SkipClass = "environment"
)

// SkipClasses is every class, for validating what a report carries.
var SkipClasses = []SkipClass{OlderKernel, Config, Privilege, Architecture, Environment}

// Valid reports whether c is one of SkipClasses.
func (c SkipClass) Valid() bool {
	for _, k := range SkipClasses {
		if c == k {
			return true
		}
	}
	return false
}
