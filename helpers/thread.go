package helpers

import (
	"runtime"

	. "github.com/onsi/ginkgo/v2"
	"golang.org/x/sys/unix"
)

// A Thread is an OS thread of the test process, parked until it is told to
// run something or to exit.
type Thread struct {
	Tid int
	t   *thread
}

// StartThread starts a thread; the cleanup makes it exit.
func StartThread() *Thread {
	GinkgoHelper()
	th := &Thread{t: startLockedThread()}
	th.Tid = th.t.tid
	DeferCleanup(th.Exit)
	return th
}

// Do runs f on the thread and waits for it.
func (th *Thread) Do(f func()) {
	GinkgoHelper()
	done := make(chan struct{})
	th.t.cmds <- func() {
		defer close(done)
		defer GinkgoRecover()
		f()
	}
	<-done
}

// Exit ends the thread for real: its goroutine returns while locked, so the
// runtime terminates the OS thread instead of reusing it.
func (th *Thread) Exit() {
	if th.t.cmds != nil {
		close(th.t.cmds)
		th.t.cmds = nil
	}
}

// thread is a goroutine locked to its own OS thread, running the funcs
// sent on cmds; closing cmds ends the thread.
type thread struct {
	tid  int
	cmds chan func()
}

// startLockedThread starts a goroutine wired to its own OS thread; closing
// cmds makes it return while still locked, which ends the thread.
func startLockedThread() *thread {
	t := &thread{cmds: make(chan func())}
	ready := make(chan int)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			panic("a helper thread landed on the thread-group leader; helpers' init must keep main locked there")
		}
		ready <- unix.Gettid()
		for cmd := range t.cmds {
			cmd()
		}
	}()
	t.tid = <-ready
	return t
}

// onThread runs f on t's locked thread and waits for it.
func onThread(t *thread, f func() error) error {
	done := make(chan error, 1)
	t.cmds <- func() { done <- f() }
	return <-done
}
