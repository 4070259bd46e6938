package helpers

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// StartChildInUserNS starts a helper in role inside a new user namespace
// where it is root (mapped to the test's own uid and gid): it holds every
// capability there and none in the test's namespace. That makes an
// unprivileged caller the same way whether the test runs as root or not; it
// skips only when the kernel refuses the namespace to an unprivileged test.
// opts apply after that mapping, so MappedInNewUserNS or
// UnmappedInNewUserNS may replace it.
func StartChildInUserNS(ctx context.Context, role string, args []string, opts ...ChildOption) *Child {
	GinkgoHelper()
	c, err := tryStartChild(ctx, role, args, append([]ChildOption{AsRootInNewUserNS()}, opts...)...)
	skipIfUserNSRefused(err, "this helper")
	Expect(err).NotTo(HaveOccurred(), "start helper role %s in a new user namespace", role)
	return c
}

// skipIfUserNSRefused skips when err is the kernel refusing a new user
// namespace (for what) to a caller without privilege: EPERM or EACCES (a
// sysctl or LSM forbids it), ENOSPC (max_user_namespaces), or EINVAL where
// the kernel config or a sign shows user namespaces off. Root is never
// refused for lack of privilege, so it gets no skip.
func skipIfUserNSRefused(err error, what string) {
	GinkgoHelper()
	switch {
	case err == nil:
		return
	case errors.Is(err, unix.EINVAL):
		if ev := kernel.OptUserNS.Evidence(); ev.State == kernel.OptionOff {
			SkipFor(outcome.Config, "%s needs a user namespace, and %s is off on this kernel (%s)", what, kernel.OptUserNS.Name, ev.Evidence)
		}
	case os.Geteuid() == 0:
		return
	case errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.ENOSPC):
		SkipFor(outcome.Privilege, "%s needs root or an unprivileged user namespace, and creating one was refused to this unprivileged run: %v", what, err)
	}
}

// MappedInNewUserNS replaces AsRootInNewUserNS's mapping: the test's uid
// and gid are id inside the new user namespace (which an unprivileged
// caller may write too, for its own ids), so what the kernel translates
// into that namespace reads as id, distinct from the test's own ids.
func MappedInNewUserNS(id int) ChildOption {
	return func(c *exec.Cmd) {
		c.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: id, HostID: os.Geteuid(), Size: 1}}
		c.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: id, HostID: os.Getegid(), Size: 1}}
	}
}

// UnmappedInNewUserNS replaces AsRootInNewUserNS's mapping with none: in
// that user namespace every id, the helper's own included, reads as the
// overflow id, while the kernel still knows the helper by the test's ids.
func UnmappedInNewUserNS() ChildOption {
	return func(c *exec.Cmd) {
		c.SysProcAttr.UidMappings = nil
		c.SysProcAttr.GidMappings = nil
	}
}
