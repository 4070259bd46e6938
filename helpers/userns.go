package helpers

import (
	"context"
	"errors"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

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
	if err != nil && os.Geteuid() != 0 && (errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.ENOSPC)) {
		SkipFor(outcome.Privilege, "creating a user namespace was refused to this unprivileged run: %v", err)
	}
	Expect(err).NotTo(HaveOccurred(), "start helper role %s in a new user namespace", role)
	return c
}
