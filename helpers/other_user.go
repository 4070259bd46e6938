package helpers

import (
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// TargetOfAnotherUser is a pidfd of a process whose user is not the one an
// unprivileged caller runs as. As root it is a blocked child running as
// root, for a caller that drops to another uid (DropToArgs); unprivileged,
// the test cannot make one and takes pid 1 (Pid1OfAnotherUser).
func TargetOfAnotherUser() int {
	GinkgoHelper()
	if os.Geteuid() == 0 {
		return StartBlocked().Pidfd
	}
	return Pid1OfAnotherUser()
}

// Pid1OfAnotherUser is a pidfd of pid 1 for an unprivileged run whose spec
// needs a process of another user: on a host pid 1 runs as root. Where it
// runs as the test's uid (a container) only root could make such a process,
// and the spec skips for privilege.
func Pid1OfAnotherUser() int {
	GinkgoHelper()
	RequireFeature(kernel.Procfs)
	ids, err := kernel.StatusField("1", "Uid")
	if !errors.Is(err, kernel.ErrNoStatusField) {
		Expect(err).NotTo(HaveOccurred())
	}
	me := strconv.Itoa(os.Geteuid())
	if slices.Contains(strings.Fields(ids), me) {
		SkipFor(outcome.Privilege, "unprivileged, the test's process of another user is pid 1, which runs as this test's uid %s here (Uid: %s)", me, ids)
	}
	return OpenPidfd(1, 0)
}
