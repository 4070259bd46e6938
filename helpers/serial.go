package helpers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"golang.org/x/sys/unix"
)

// A Serial spec changes what every process on the machine sees (a sysctl,
// Yama's ptrace_scope, the cgroup tree, the global pid space). Ginkgo
// keeps it apart from the other specs of its suite; the serial lock keeps
// it apart from the specs of the other suites too, which `make suites`
// (go test runs packages side by side) and `make bench` run at the same
// time. Every spec holds the lock shared while it runs, a Serial spec
// holds it exclusively. A spec that wants the lock first queues on a
// turnstile, so a waiting Serial spec is not starved by the other suites'
// stream of shared holders.
var serialLock struct {
	turnstile, main *os.File
	err             error
}

// serialLockDir is where every suite of the machine finds the lock files,
// whatever TMPDIR each was given.
const serialLockDir = "/tmp"

// openSerialLock opens the lock files once per process, before the first
// spec (whose leak check would otherwise count them).
func openSerialLock() {
	if serialLock.main != nil || serialLock.err != nil {
		return
	}
	open := func(name string) (*os.File, error) {
		// Read-only suffices for flock, so a lock file made by root serves
		// an unprivileged run and the other way round; O_NOFOLLOW because
		// /tmp is everyone's.
		path := filepath.Join(serialLockDir, name)
		f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
		if errors.Is(err, os.ErrPermission) {
			// fs.protected_regular refuses O_CREAT, root's too, on a file
			// another user made in sticky /tmp; it exists, so open it.
			f, err = os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		}
		return f, err
	}
	serialLock.turnstile, serialLock.err = open("pidfdconf-serial.turnstile")
	if serialLock.err == nil {
		serialLock.main, serialLock.err = open("pidfdconf-serial.lock")
	}
}

// holdSerialLock takes the lock for the running spec, shared or (Serial)
// exclusive, and returns what lets it go (a no-op without a lock).
func holdSerialLock(ctx SpecContext) (release func()) {
	if serialLock.err != nil {
		AddReportEntry("serial lock", "none, so other suites may run beside this spec: "+serialLock.err.Error(), ReportEntryVisibilityNever)
		return func() {}
	}
	how := unix.LOCK_SH
	if CurrentSpecReport().IsSerial {
		how = unix.LOCK_EX
	}
	turnstile, main := int(serialLock.turnstile.Fd()), int(serialLock.main.Fd())
	if err := flockBy(ctx, turnstile, unix.LOCK_EX); err != nil {
		Unstageable("another suite held the serial lock's turnstile past the spec's deadline: %v", err)
	}
	err := flockBy(ctx, main, how)
	unix.Flock(turnstile, unix.LOCK_UN)
	if err != nil {
		Unstageable("another suite held the serial lock past the spec's deadline: %v", err)
	}
	return func() { unix.Flock(main, unix.LOCK_UN) }
}

// flockBy takes a flock before ctx ends. The lock is polled, not waited
// for in a blocking flock, which nothing could interrupt at the deadline.
func flockBy(ctx context.Context, fd, how int) error {
	for {
		err := unix.Flock(fd, how|unix.LOCK_NB)
		if !errors.Is(err, unix.EWOULDBLOCK) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}
