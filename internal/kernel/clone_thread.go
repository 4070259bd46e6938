package kernel

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// ErrNoRawClone means this architecture has no assembly clone stub; specs
// that need CLONE_THREAD from a raw clone skip on it.
var ErrNoRawClone = errors.New("raw clone(CLONE_THREAD) is implemented for amd64, 386 and arm64 only")

// threadCloneFlags make a real thread of this process, as pthread_create does.
const threadCloneFlags = unix.CLONE_VM | unix.CLONE_FS | unix.CLONE_FILES | unix.CLONE_SIGHAND |
	unix.CLONE_THREAD | unix.CLONE_SYSVSEM

// CloneThreadWithPidfd calls clone(CLONE_THREAD|CLONE_PIDFD|…) for a thread
// that exits at once, returning the pidfd the kernel wrote to parent_tid.
// Go cannot run code on a thread it did not create, so the new thread never
// leaves the assembly stub: it calls exit(0) as its first instruction, with
// every signal blocked (the mask is inherited) so no Go handler can run on it.
func CloneThreadWithPidfd() (pidfd int, err error) {
	err = onSignalFreeThread(func() error {
		pidfd, err = rawCloneExitingThread(threadCloneFlags | unix.CLONE_PIDFD)
		return err
	})
	return pidfd, err
}

// probeCloneThreadPidfd: clone(CLONE_PIDFD|CLONE_THREAD) was EINVAL until
// v6.9, which made it a thread pidfd (kernel/fork.c copy_process; 6.1 still
// refuses CLONE_THREAD there).
func probeCloneThreadPidfd() error {
	fd, err := CloneThreadWithPidfd()
	if errors.Is(err, ErrNoRawClone) {
		return fmt.Errorf("%w: %v", ErrNotProbeable, err)
	}
	if err != nil {
		return fmt.Errorf("clone(CLONE_PIDFD|CLONE_THREAD): %w", err)
	}
	return unix.Close(fd)
}

// onSignalFreeThread runs f on a locked OS thread with every signal blocked,
// the mask a raw clone(CLONE_THREAD) must hand its Go-less thread.
func onSignalFreeThread(f func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		restore, err := blockAllSignals()
		if err != nil {
			done <- err
			return
		}
		defer restore()
		done <- f()
	}()
	return <-done
}

// blockAllSignals blocks every signal on the calling (locked) thread, so a
// raw clone made there starts with all of them blocked; restore puts the
// old mask back.
func blockAllSignals() (restore func(), err error) {
	var all, old unix.Sigset_t
	for i := range all.Val {
		all.Val[i] = ^all.Val[i]
	}
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &all, &old); err != nil {
		return nil, err
	}
	return func() { unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil) }, nil
}
