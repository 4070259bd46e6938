package role

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// An OSThread is a goroutine locked to its own OS thread, running the funcs
// sent on Cmds; closing Cmds makes it return while still locked, which ends
// the thread.
type OSThread struct {
	Tid  int
	Cmds chan func()
}

// StartOSThread starts a goroutine wired to its own OS thread.
func StartOSThread() *OSThread {
	t := &OSThread{Cmds: make(chan func())}
	ready := make(chan int)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			panic("a helper thread landed on the thread-group leader; internal/role's init must keep main locked there")
		}
		ready <- unix.Gettid()
		for cmd := range t.Cmds {
			cmd()
		}
	}()
	t.Tid = <-ready
	return t
}

// Run runs f on t's thread and waits for it.
func (t *OSThread) Run(f func() error) error {
	done := make(chan error, 1)
	t.Cmds <- func() { done <- f() }
	return <-done
}
