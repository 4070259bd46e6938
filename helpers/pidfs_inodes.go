package helpers

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// ThreadPidfdInodes creates n threads one after the other, each a raw
// clone(CLONE_THREAD|CLONE_PIDFD) that exits at once (see
// CloneThreadWithPidfd), and returns the st_ino of each one's pidfd in
// creation order. It locks one OS thread and blocks signals once for the
// whole batch, so a few thousand tasks cost milliseconds, not a second:
// the cheapest way to make the kernel allocate many struct pids.
func ThreadPidfdInodes(n int) ([]uint64, error) {
	inos := make([]uint64, 0, n)
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var all, old unix.Sigset_t
		for i := range all.Val {
			all.Val[i] = ^all.Val[i]
		}
		if err = unix.PthreadSigmask(unix.SIG_SETMASK, &all, &old); err != nil {
			return
		}
		defer unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
		for range n {
			var fd int
			if fd, err = rawCloneExitingThread(threadCloneFlags | unix.CLONE_PIDFD); err != nil {
				return
			}
			var st unix.Stat_t
			err = unix.Fstat(fd, &st)
			unix.Close(fd)
			if err != nil {
				return
			}
			inos = append(inos, st.Ino)
		}
	}()
	<-done
	return inos, err
}
