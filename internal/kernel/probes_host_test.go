package kernel

import (
	"os"
	"testing"
)

// Every registered probe runs on the build machine's kernel and must agree
// with the version table and the kernel's config, as cilium/ebpf tests each
// feature probe against the kernel it runs on: a feature this kernel should
// have (new enough, options on) must probe present, and one newer than this
// kernel must probe absent, or its Since or its probe is wrong. A feature
// only a stable backport brings early is listed in earlyOnStable with the
// first stable release that has it.
func TestEveryProbeAgreesWithThisKernel(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("probes create namespaces and pidfs files as root; run as root (make unit)")
	}
	facts := RunningFacts()
	for _, f := range registry {
		t.Run(f.Name, func(t *testing.T) {
			err := f.Probe()
			d := f.Decide(facts, err)
			since := MustParseVersion(f.Since)
			switch {
			case err == nil && facts.Kernel.Less(since) && !earlyOnStable(f.Name, facts.Kernel):
				t.Errorf("present on %s, older than its Since v%s: a wrong Since, or a stable backport to list in earlyOnStable", facts.Kernel, f.Since)
			case err != nil && d.Action == FailSpec:
				t.Errorf("probe failed on a kernel that should have the feature: %s", d.Reason)
			case err != nil:
				t.Logf("absent, as it should be: %s", d.Reason)
			}
		})
	}
}

// earlyOnStable are features that stable series carry before their
// mainline Since: the first release of each series that has one.
var earlyOnStableSince = map[string][]string{}

// earlyOnStable reports whether v's stable series carries the feature.
func earlyOnStable(name string, v KernelVersion) bool {
	for _, first := range earlyOnStableSince[name] {
		f := MustParseVersion(first)
		if f.Major == v.Major && f.Minor == v.Minor && !v.Less(f) {
			return true
		}
	}
	return false
}
