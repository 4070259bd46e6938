package helpers

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// DropPrivileges makes a helper process uid/gid with no supplementary
// groups, in every thread (Go applies these to all threads). Only roles call
// it: the test process keeps its credentials. Roles start as root and drop
// themselves because `go test` builds the binary in a 0700 directory that
// another user could not execute. Changing credentials makes the process
// non-dumpable (fs.suid_dumpable, usually 0): a role that must stay
// ptrace-able sets PR_SET_DUMPABLE back to 1.
func DropPrivileges(uid, gid int) error {
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setresgid(gid, gid, gid); err != nil {
		return fmt.Errorf("setresgid(%d): %w", gid, err)
	}
	if err := syscall.Setresuid(uid, uid, uid); err != nil {
		return fmt.Errorf("setresuid(%d): %w", uid, err)
	}
	return nil
}

// DropToArgs are the role arguments that make a helper drop to uid (and
// the gid of the same number) when the test runs as root, and none when it
// already runs unprivileged: either way the helper ends up a user without
// capabilities, so specs about such a caller run in both kinds of run.
func DropToArgs(uid int) []string {
	if os.Geteuid() == 0 {
		return []string{strconv.Itoa(uid)}
	}
	return nil
}

// WithoutCapabilities runs f on a thread of the test process whose
// effective set lacks caps (unix.CAP_*), then puts the set back. The kernel
// checks capabilities per thread, so f's system calls are the test's own
// without caps, and nothing else in the test process changes. The thread
// goes back to the Go runtime afterwards rather than exiting: a thread's
// exit fires the Pdeathsig of every helper it happened to start. Only when
// the set cannot be restored (or f fails) does the thread exit.
func WithoutCapabilities(caps []int, f func()) {
	GinkgoHelper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer GinkgoRecover()
		runtime.LockOSThread()
		restore, err := kernel.DropEffectiveCapabilities(caps...)
		Expect(err).NotTo(HaveOccurred(), "drop capabilities %v", caps)
		f()
		if restore() == nil {
			runtime.UnlockOSThread()
		}
	}()
	<-done
}
