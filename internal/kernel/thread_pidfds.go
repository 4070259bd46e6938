package kernel

import (
	"golang.org/x/sys/unix"
)

// ThreadPidfdInodes creates n threads one after the other, each a raw
// clone(CLONE_THREAD|CLONE_PIDFD) that exits at once (see
// CloneThreadWithPidfd), and returns the st_ino of each one's pidfd in
// creation order. It locks one OS thread and blocks signals once for the
// whole batch, so a few thousand tasks cost milliseconds, not a second:
// the cheapest way to make the kernel allocate many struct pids.
func ThreadPidfdInodes(n int) ([]uint64, error) {
	return ThreadPidfdStamps(n, func(fd int) (uint64, error) {
		var st unix.Stat_t
		err := unix.Fstat(fd, &st)
		return st.Ino, err
	})
}

// ThreadPidfdStamps is ThreadPidfdInodes with the value taken from each
// thread's pidfd (before it is closed) chosen by stamp.
func ThreadPidfdStamps(n int, stamp func(pidfd int) (uint64, error)) ([]uint64, error) {
	out := make([]uint64, 0, n)
	err := onSignalFreeThread(func() error {
		for range n {
			fd, err := rawCloneExitingThread(threadCloneFlags | unix.CLONE_PIDFD)
			if err != nil {
				return err
			}
			v, err := stamp(fd)
			unix.Close(fd)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}
