package helpers

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

func TestLabelSlug(t *testing.T) {
	for name, want := range map[string]string{
		"PIDFD_GET_INFO":                "pidfd-get-info",
		"PIDFD_GET_*_NAMESPACE":         "pidfd-get-namespace",
		"cgroups (PIDFD_INFO_CGROUPID)": "cgroups-pidfd-info-cgroupid",
		"waitid(P_PIDFD)":               "waitid-p-pidfd",
	} {
		if got := labelSlug(name); got != want {
			t.Errorf("labelSlug(%q) = %q, want %q", name, got, want)
		}
	}
}

// Every feature can be required by label: one valid label each, no two
// features sharing one (Requires panics then), and the label leads back to
// its feature.
func TestRequiresLabelsEveryFeature(t *testing.T) {
	seen := map[string]string{}
	for _, f := range kernel.Features() {
		labels := Requires(f)
		if len(labels) != 1 {
			t.Fatalf("Requires(%q) = %v, want one label", f.Name, labels)
		}
		l := labels[0]
		if _, err := types.ValidateAndCleanupLabel(l, types.CodeLocation{}); err != nil {
			t.Errorf("Requires(%q) = %q, which Ginkgo refuses: %v", f.Name, l, err)
		}
		if other, dup := seen[l]; dup {
			t.Errorf("%q and %q share the label %q", other, f.Name, l)
		}
		seen[l] = f.Name
		if r, ok := requirements[l]; !ok || r.what != f.Name || !known[l] {
			t.Errorf("label %q is not registered for %q", l, f.Name)
		}
	}
	if option := RequiresOption(kernel.OptYama); len(option) != 1 || option[0] != "requires:config-security-yama" {
		t.Errorf("RequiresOption = %v", option)
	}
	since := RequiresSince("6.16", "the coredump socket (core_pattern @)")
	if len(since) != 1 || since[0] != "requires:the-coredump-socket-core-pattern-since-v6-16" {
		t.Errorf("RequiresSince = %v", since)
	}
}
