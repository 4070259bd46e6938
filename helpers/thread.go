package helpers

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/pidfdconf/pidfdconf/internal/role"
)

// A Thread is an OS thread of the test process, parked until it is told to
// run something or to exit.
type Thread struct {
	Tid int
	t   *role.OSThread
}

// StartThread starts a thread; the cleanup makes it exit.
func StartThread() *Thread {
	GinkgoHelper()
	th := &Thread{t: role.StartOSThread()}
	th.Tid = th.t.Tid
	DeferCleanup(th.Exit)
	return th
}

// Do runs f on the thread and waits for it.
func (th *Thread) Do(f func()) {
	GinkgoHelper()
	done := make(chan struct{})
	th.t.Cmds <- func() {
		defer close(done)
		defer GinkgoRecover()
		f()
	}
	<-done
}

// Exit ends the thread for real: its goroutine returns while locked, so the
// runtime terminates the OS thread instead of reusing it.
func (th *Thread) Exit() {
	if th.t.Cmds != nil {
		close(th.t.Cmds)
		th.t.Cmds = nil
	}
}
