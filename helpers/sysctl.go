package helpers

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// SetSysctl writes value to the sysctl name ("kernel.core_pattern") and
// registers a cleanup that writes the old value back: sysctls are the
// whole system's, and a shared host must get its own back. Only Serial
// specs may call it, and only as root (it skips otherwise, and where
// /proc/sys is read-only, as in a container).
func SetSysctl(name, value string) {
	GinkgoHelper()
	Expect(TrySetSysctl(name, value)).To(Succeed(), "write %q to sysctl %s", value, name)
}

// TrySetSysctl is SetSysctl for a value the kernel may refuse: it returns
// the write's error, and registers the restore only when the write took.
func TrySetSysctl(name, value string) error {
	GinkgoHelper()
	RequireRoot("changing the system-wide sysctl " + name)
	RequireFeature(kernel.Procfs)
	Expect(CurrentSpecReport().IsSerial).To(BeTrue(), "a spec that changes sysctl %s must be Serial", name)
	path := filepath.Join("/proc/sys", strings.ReplaceAll(name, ".", "/"))
	old, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "read %s", path)
	err = os.WriteFile(path, []byte(value), 0)
	if errors.Is(err, unix.EROFS) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		SkipFor(outcome.Environment, "sysctl %s cannot be written here, even as root: %v", name, err)
	}
	if err == nil {
		DeferCleanup(func() {
			Expect(os.WriteFile(path, old, 0)).To(Succeed(), "restore %s to %q", name, old)
		})
	}
	return err
}
