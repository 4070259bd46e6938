package helpers

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// AwaitZombie waits until the process behind a thread-group pidfd has
// exited, and requires the exact events of an unreaped process whose
// threads are all gone: POLLIN and nothing else (pidfd_poll answers
// EPOLLIN|EPOLLRDNORM once exit_state is set and the group is empty, and
// poll(2) reports only the requested POLLIN of them: v7.3 fs/pidfs.c:323-324,
// v6.12 fs/pidfs.c:112-113, v6.1 kernel/fork.c:1952-1953). POLLHUP here
// would mean the process was reaped, POLLNVAL or POLLERR that the fd is no
// pidfd.
func AwaitZombie(ctx context.Context, pidfd int) {
	GinkgoHelper()
	Expect(kernel.WaitReadable(ctx, pidfd, EventTimeout())).To(HavePollEvents(unix.POLLIN), "pidfd %d of an exited, unreaped process", pidfd)
}
