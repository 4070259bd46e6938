package helpers

import (
	"context"
	"errors"
	"os"

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
func StartChildInUserNS(ctx context.Context, role string, args []string) *Child {
	GinkgoHelper()
	c, err := tryStartChild(ctx, role, args, AsRootInNewUserNS())
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
