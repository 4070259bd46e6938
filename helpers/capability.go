package helpers

import (
	"runtime"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// WithoutCapabilities runs f on an OS thread of the test process that has
// caps (unix.CAP_*) out of its effective set, as a root process that
// seteuid(2)s away from 0 has them: still permitted, not in effect.
// Capabilities are per thread, so f's system calls are the test's own
// without caps and the rest of the process keeps them. The thread gets
// them back before it returns to the Go runtime's pool: it is not ended,
// because ending an OS thread SIGKILLs every helper it happened to fork
// (Pdeathsig fires when the forking thread exits, go.dev/issue/27505), and
// any thread may have forked one. Only if a capability cannot be raised
// again does the thread end, with it.
func WithoutCapabilities(caps []int, f func()) {
	GinkgoHelper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer GinkgoRecover()
		runtime.LockOSThread()
		// A capability not in effect (an unprivileged test) needs no
		// change and nothing restored.
		var lowered []int
		defer func() {
			for _, c := range lowered {
				if kernel.RaiseCapability(c) != nil {
					return
				}
			}
			runtime.UnlockOSThread()
		}()
		for _, c := range caps {
			if kernel.HasCapability(c) {
				Expect(kernel.LowerCapability(c)).To(Succeed(), "lower capability %d", c)
				lowered = append(lowered, c)
			}
			Expect(kernel.HasCapability(c)).To(BeFalse(), "capability %d still effective", c)
		}
		f()
	}()
	<-done
}
