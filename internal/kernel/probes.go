package kernel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// The probes of the features in registry.go: nil means present.

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

// probeSmapsRollup reads the Anonymous line of this process's
// smaps_rollup, the exact count of its anonymous memory (a page walk, where
// RssAnon of status is a counter that may lag, proc(5)).
func probeSmapsRollup() error {
	_, err := ProcField("self", "smaps_rollup", "Anonymous")
	return err
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

func probeTimeNamespaces() error {
	_, err := os.Stat("/proc/self/ns/time")
	return err
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

// probeInfoReplyBit asks PIDFD_GET_INFO about the caller for bit and
// checks that the reply mask carries it.
func probeInfoReplyBit(bit uint64, name string) error {
	return withSelfPidfd(0, func(fd int) error {
		info, err := GetPidfdInfo(fd, bit)
		if err != nil {
			return err
		}
		if info.Mask&bit == 0 {
			return fmt.Errorf("PIDFD_GET_INFO on a live process does not report %s", name)
		}
		return nil
	})
}

// A live process always has a cgroup: the reply carries CGROUPID unless
// cgroups are configured out.
func probeInfoCgroupid() error {
	return probeInfoReplyBit(unix.PIDFD_INFO_CGROUPID, "PIDFD_INFO_CGROUPID")
}

// For a live process the kernel answers PIDFD_INFO_COREDUMP with how it
// would dump (its dumpable mode).
func probeInfoCoredump() error {
	return probeInfoReplyBit(unix.PIDFD_INFO_COREDUMP, "PIDFD_INFO_COREDUMP")
}

func probeInfoSupportedMask() error {
	return probeInfoReplyBit(PIDFD_INFO_SUPPORTED_MASK, "PIDFD_INFO_SUPPORTED_MASK")
}

func probeLsofCompat() error {
	if err := Pidfs.Probe(); err != nil {
		// Anon inodes have no file-type bits either; that is not this feature.
		return err
	}
	return withSelfPidfd(0, func(fd int) error {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return err
		}
		if st.Mode&unix.S_IFMT != 0 {
			return fmt.Errorf("pidfd st_mode %#o has file type bits", st.Mode)
		}
		return nil
	})
}

func probeNamespaceIoctls() error {
	return withSelfPidfd(0, func(fd int) error {
		ns, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.PIDFD_GET_PID_NAMESPACE, 0)
		if errno == unix.EOPNOTSUPP {
			return nil // the ioctl exists; pid namespaces are configured out
		}
		if errno != 0 {
			return fmt.Errorf("ioctl(PIDFD_GET_PID_NAMESPACE): %w", errno)
		}
		return unix.Close(int(ns))
	})
}

func probeFileHandles() error {
	return withSelfPidfd(0, func(fd int) error {
		_, _, err := unix.NameToHandleAt(fd, "", unix.AT_EMPTY_PATH)
		if err != nil {
			return fmt.Errorf("name_to_handle_at(pidfd): %w", err)
		}
		return nil
	})
}

func probeHandleKeepsThread() error {
	return withSelfPidfd(0, func(fd int) error {
		h, _, err := unix.NameToHandleAt(fd, "", unix.AT_EMPTY_PATH)
		if err != nil {
			return fmt.Errorf("name_to_handle_at(pidfd): %w", err)
		}
		reopened, err := unix.OpenByHandleAt(fd, h, unix.O_EXCL|unix.O_CLOEXEC)
		if err != nil {
			return fmt.Errorf("open_by_handle_at(O_EXCL): %w", err)
		}
		defer unix.Close(reopened)
		flags, err := unix.FcntlInt(uintptr(reopened), unix.F_GETFL, 0)
		if err != nil {
			return fmt.Errorf("F_GETFL: %w", err)
		}
		if flags&unix.O_EXCL == 0 {
			return fmt.Errorf("open_by_handle_at(O_EXCL) reopened a thread-group pidfd (F_GETFL %#o)", flags)
		}
		return nil
	})
}

func probeXattrs() error {
	return withSelfPidfd(0, func(fd int) error {
		// Without pidfs xattr handlers any read is EOPNOTSUPP. With them an
		// absent name is ENODATA — or, while the pid has no attributes at
		// all, an empty value (6.17–6.18 return 0 there).
		_, err := unix.Fgetxattr(fd, "trusted.pidfdconf-probe", nil)
		if err == nil || errors.Is(err, unix.ENODATA) {
			return nil
		}
		return fmt.Errorf("fgetxattr(pidfd, trusted.*): %v", err)
	})
}

func probeLandlock() error {
	abi, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, landlockCreateRulesetVersion)
	if errno != 0 {
		return fmt.Errorf("landlock_create_ruleset(VERSION): %w", errno)
	}
	if abi < 1 {
		return fmt.Errorf("the Landlock ABI is %d", abi)
	}
	return nil
}

func probePidfsRoot() error {
	return withSelfPidfd(0, func(fd int) error {
		h, _, err := unix.NameToHandleAt(fd, "", unix.AT_EMPTY_PATH)
		if err != nil {
			return fmt.Errorf("name_to_handle_at(pidfd): %w", err)
		}
		got, err := unix.OpenByHandleAt(FdPidfsRoot, h, unix.O_CLOEXEC)
		if err != nil {
			return fmt.Errorf("open_by_handle_at(FD_PIDFS_ROOT): %w", err)
		}
		return unix.Close(got)
	})
}

func probeGetversion() error {
	return withSelfPidfd(0, func(fd int) error {
		if _, err := pidfsGeneration(fd); err != nil {
			return fmt.Errorf("ioctl(pidfd, FS_IOC_GETVERSION): %w", err)
		}
		return nil
	})
}

// probeInfoZeroFill: a PIDFD_GET_INFO argument larger than every struct
// pidfd_info so far comes back with its tail zeroed (copy_struct_to_user in
// fs/pidfs.c pidfd_info, v6.15; v6.13 and v6.14 copied the kernel's struct
// and left the rest of the caller's buffer as it was).
func probeInfoZeroFill() error {
	return withSelfPidfd(0, func(fd int) error {
		buf := bytes.Repeat([]byte{0xff}, 512)
		if err := PidfdInfoRaw(fd, unix.PIDFD_INFO_PID, uintptr(len(buf)), buf); err != nil {
			return fmt.Errorf("ioctl(PIDFD_GET_INFO, %d bytes): %w", len(buf), err)
		}
		if buf[len(buf)-1] != 0 {
			return fmt.Errorf("ioctl(PIDFD_GET_INFO, %d bytes) left the tail of the argument as it was", len(buf))
		}
		return nil
	})
}

// probeGetfdZombie: a zombie has no files left (exit_files); pidfd_getfd
// on it is ESRCH since v6.9 (kernel/pid.c __pidfd_fget: PF_EXITING) and in
// stable kernels with the 2026 fix (Debian 6.1.192), EBADF before. That
// fix checks PF_EXITING only before fget_task, not after it as v6.9 does:
// a target that starts exiting between the two still gives EBADF there.
func probeGetfdZombie() error {
	p, err := startProbeChild(nil)
	if err != nil {
		return err
	}
	defer p.close()
	if _, err := WaitReadable(context.Background(), p.pidfd, probeTimeout); err != nil {
		return fmt.Errorf("the probe child did not exit: %w", err)
	}
	fd, err := unix.PidfdGetfd(p.pidfd, 0, 0)
	if err == nil {
		unix.Close(fd)
		return errors.New("pidfd_getfd on a zombie returned an fd")
	}
	if !errors.Is(err, unix.ESRCH) {
		return fmt.Errorf("pidfd_getfd on a zombie: %w", err)
	}
	return nil
}

// probeSetnsPidfd: since v5.8 setns(2) takes a pidfd, and a pidfd of a
// zombie, which has no namespaces left, fails with ESRCH there
// (kernel/nsproxy.c validate_nsset); before, a pidfd is no namespace fd and
// setns fails with EINVAL. CLONE_NEWNS because every kernel has mount
// namespaces; nothing is joined either way.
func probeSetnsPidfd() error {
	p, err := startProbeChild(nil)
	if err != nil {
		return err
	}
	defer p.close()
	if _, err := WaitReadable(context.Background(), p.pidfd, probeTimeout); err != nil {
		return fmt.Errorf("the probe child did not exit: %w", err)
	}
	if err := unix.Setns(p.pidfd, unix.CLONE_NEWNS); !errors.Is(err, unix.ESRCH) {
		return fmt.Errorf("setns(pidfd of a zombie, CLONE_NEWNS): %v", err)
	}
	return nil
}
