package helpers

import (
	"errors"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// NamespaceTypeLeftOut names the report entry that records each namespace
// type a fixture left out, with the evidence that its option is off.
const NamespaceTypeLeftOut = "namespace type left out"

// NamespaceTypePresent reports whether this kernel has the namespace type
// name (its /proc/<pid>/ns entry), for fixtures that enumerate the types.
// A missing type is left out only when the kernel config or an independent
// sign shows its option off, and the spec's report says so; missing while
// its option is on, or with nothing to show the option off, it fails the
// spec: a fixture never asserts over fewer types in silence.
func NamespaceTypePresent(name string) bool {
	GinkgoHelper()
	if namespaceEntryExists(name) {
		return true
	}
	AddReportEntry(NamespaceTypeLeftOut, name+": "+namespaceOptionOff(name))
	return false
}

// RequireNamespaceType skips the spec (class config) when this kernel is
// built without the namespace type name, and fails it when the type is
// missing otherwise.
func RequireNamespaceType(name string) {
	GinkgoHelper()
	if !namespaceEntryExists(name) {
		SkipFor(outcome.Config, "requires %s namespaces: %s", name, namespaceOptionOff(name))
	}
}

func namespaceEntryExists(name string) bool {
	GinkgoHelper()
	RequireFeature(kernel.Procfs)
	_, err := os.Stat("/proc/self/ns/" + name)
	if err != nil {
		Expect(errors.Is(err, os.ErrNotExist)).To(BeTrue(), "stat /proc/self/ns/%s: %v", name, err)
	}
	return err == nil
}

func namespaceOptionOff(name string) string {
	GinkgoHelper()
	o, err := kernel.NamespaceOption(name)
	Expect(err).NotTo(HaveOccurred())
	return optionOffOrFail(o, "/proc/self/ns/"+name)
}
