package helpers

import (
	"runtime"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// WithoutEffectiveCapability runs f on an OS thread of the test process
// that has capability c (unix.CAP_*) out of its effective set, as a root
// process that seteuid(2)s away from 0 has it: still permitted, not in
// effect. Capabilities are per thread, so the rest of the process keeps c.
// The thread gets c back before it returns to the Go runtime's pool: it is
// not ended, because ending an OS thread SIGKILLs every helper it happened
// to fork (Pdeathsig fires when the forking thread exits, go.dev/issue/27505),
// and any thread may have forked one. Only if c cannot be raised again does
// the thread end, with it.
func WithoutEffectiveCapability(c int, f func()) {
	GinkgoHelper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer GinkgoRecover()
		runtime.LockOSThread()
		// A thread without c in effect (an unprivileged test) needs no
		// change and nothing restored.
		had := kernel.HasCapability(c)
		restored := !had
		defer func() {
			if restored || kernel.RaiseCapability(c) == nil {
				runtime.UnlockOSThread()
			}
		}()
		if had {
			Expect(kernel.LowerCapability(c)).To(Succeed())
		}
		Expect(kernel.HasCapability(c)).To(BeFalse(), "capability %d still effective", c)
		f()
	}()
	<-done
}
