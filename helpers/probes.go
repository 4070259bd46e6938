package helpers

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The features every suite may require. Each probe asks the kernel directly
// and never infers from the version; none changes process-wide state.
var (
	PidfdOpen       = newFeature("pidfd_open", "5.3", "", probePidfdOpen)
	PidfdSendSignal = newFeature("pidfd_send_signal", "5.1", "", probeSendSignal)
	ClonePidfd      = newFeature("CLONE_PIDFD", "5.2", "", probeClonePidfd)
	Clone3          = newFeature("clone3", "5.3", "", probeClone3)
	WaitidPidfd     = newFeature("waitid(P_PIDFD)", "5.4", "", probeWaitidPidfd)
	PidfdGetfd      = newFeature("pidfd_getfd", "5.6", "", probeGetfd)
	PidfdNonblock   = newFeature("PIDFD_NONBLOCK", "5.10", "", func() error { return probeOpenFlags(unix.PIDFD_NONBLOCK) })
	PidfdThread     = newFeature("PIDFD_THREAD", "6.9", "", func() error { return probeOpenFlags(unix.PIDFD_THREAD) })
	Pidfs           = newFeature("pidfs", "6.9", "", probePidfs)
	PollHupOnReap   = newFeature("EPOLLHUP on reap", "6.9", "", probeHupOnReap)
	SignalScopes    = newFeature("PIDFD_SIGNAL_* scopes", "6.9", "", probeSignalScopes)
	PidfdGetInfo    = newFeature("PIDFD_GET_INFO", "6.13", "", probeGetInfo)
	PidfdInfoExit   = newFeature("PIDFD_INFO_EXIT", "6.15", "", probeInfoExit)
	PidNamespaces   = newFeature("pid namespaces", "3.8", "CONFIG_PID_NS", probePidNamespaces)
	Procfs          = newFeature("procfs", "2.6", "CONFIG_PROC_FS", probeProcfs)
	TimeNamespaces  = newFeature("time namespaces", "5.6", "CONFIG_TIME_NS", probeTimeNamespaces)
)

func probeTimeNamespaces() error {
	_, err := os.Stat("/proc/self/ns/time")
	return err
}

func withSelfPidfd(flags int, use func(fd int) error) error {
	fd, err := unix.PidfdOpen(os.Getpid(), flags)
	if err != nil {
		return fmt.Errorf("pidfd_open(self, %#x): %w", flags, err)
	}
	defer unix.Close(fd)
	return use(fd)
}

func probePidfdOpen() error { return withSelfPidfd(0, func(int) error { return nil }) }

func probeOpenFlags(flags int) error { return withSelfPidfd(flags, func(int) error { return nil }) }

func probeSendSignal() error {
	return withSelfPidfd(0, func(fd int) error { return unix.PidfdSendSignal(fd, 0, nil, 0) })
}

func probeSignalScopes() error {
	return withSelfPidfd(0, func(fd int) error {
		return unix.PidfdSendSignal(fd, 0, nil, unix.PIDFD_SIGNAL_THREAD_GROUP)
	})
}

func probeGetfd() error {
	return withSelfPidfd(0, func(fd int) error {
		// Fetching fd -1 reaches the fd lookup only where the syscall exists.
		_, err := unix.PidfdGetfd(fd, -1, 0)
		if errors.Is(err, unix.EBADF) {
			return nil
		}
		return fmt.Errorf("pidfd_getfd(self, -1, 0): %v", err)
	})
}

func probeWaitidPidfd() error {
	return withSelfPidfd(0, func(fd int) error {
		// Waiting for ourselves is ECHILD where P_PIDFD is known, EINVAL where not.
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PIDFD, fd, &info, unix.WEXITED|unix.WNOHANG, nil)
		if errors.Is(err, unix.ECHILD) {
			return nil
		}
		return fmt.Errorf("waitid(P_PIDFD, self): %v", err)
	})
}

func probeClone3() error {
	// A NULL clone_args is EINVAL where clone3 exists, ENOSYS where not.
	_, _, errno := unix.Syscall(unix.SYS_CLONE3, 0, 0, 0)
	if errno == unix.EINVAL {
		return nil
	}
	return fmt.Errorf("clone3(NULL, 0): %v", errno)
}

func probePidfs() error {
	return withSelfPidfd(0, func(fd int) error {
		fs, err := PidfdFilesystem(fd)
		if err == nil && fs != unix.PID_FS_MAGIC {
			err = fmt.Errorf("pidfds live on filesystem %#x, not pidfs", fs)
		}
		return err
	})
}

// PidfdFilesystem is fstatfs(fd).f_type: PID_FS_MAGIC or ANON_INODE_FS_MAGIC.
func PidfdFilesystem(fd int) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return 0, fmt.Errorf("fstatfs(pidfd): %w", err)
	}
	return int64(st.Type), nil
}

func probeProcfs() error {
	var st unix.Statfs_t
	if err := unix.Statfs("/proc/self", &st); err != nil {
		return fmt.Errorf("statfs(/proc/self): %w", err)
	}
	if st.Type != unix.PROC_SUPER_MAGIC {
		return fmt.Errorf("/proc is not procfs (f_type %#x)", st.Type)
	}
	return nil
}

func probePidNamespaces() error {
	if _, err := os.Stat("/proc/self/ns/pid"); err == nil {
		return nil
	}
	// Without procfs, ask clone: EINVAL means CONFIG_PID_NS=n.
	p, err := startProbeChild(&syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWPID})
	if err != nil {
		return fmt.Errorf("clone(CLONE_NEWPID): %w", err)
	}
	p.close()
	return nil
}

func probeClonePidfd() error {
	p, err := startProbeChild(nil)
	if err != nil {
		return err
	}
	defer p.close()
	if p.pidfd < 0 {
		return errors.New("clone(CLONE_PIDFD) returned no pidfd")
	}
	return nil
}

func probeHupOnReap() error {
	p, err := startProbeChild(nil)
	if err != nil {
		return err
	}
	defer p.close()
	p.reap()
	if p.pidfd < 0 {
		return errors.New("no pidfd for the probe child")
	}
	revents, err := PollOnce(p.pidfd, 0)
	if err != nil {
		return err
	}
	if revents&unix.POLLHUP == 0 {
		return fmt.Errorf("a reaped child's pidfd polls %s, without POLLHUP", PollBits(revents))
	}
	return nil
}

func probeGetInfo() error {
	return withSelfPidfd(0, func(fd int) error {
		_, err := GetPidfdInfo(fd, unix.PIDFD_INFO_PID)
		return err
	})
}

func probeInfoExit() error {
	p, err := startProbeChild(nil)
	if err != nil {
		return err
	}
	defer p.close()
	p.reap()
	info, err := GetPidfdInfo(p.pidfd, unix.PIDFD_INFO_EXIT)
	if err != nil {
		return err
	}
	if info.Mask&unix.PIDFD_INFO_EXIT == 0 {
		return errors.New("PIDFD_GET_INFO on a reaped child does not report PIDFD_INFO_EXIT")
	}
	return nil
}

// GetPidfdInfo issues PIDFD_GET_INFO with the given request mask.
func GetPidfdInfo(pidfd int, mask uint64) (*unix.PidfdInfo, error) {
	info := &unix.PidfdInfo{Mask: mask}
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(pidfd), unix.PIDFD_GET_INFO, uintptr(unsafe.Pointer(info)))
	if errno != 0 {
		return nil, fmt.Errorf("ioctl(PIDFD_GET_INFO): %w", errno)
	}
	return info, nil
}
