package helpers

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// Features of pidfs beyond the pidfd itself; each probe uses a pidfd of
// this process.
var (
	PidfsLsofCompat = newFeature("pidfs lsof compatibility (no file type, anon_inode:[pidfd])", "6.10", "", probeLsofCompat)
	NamespaceIoctls = newFeature("PIDFD_GET_*_NAMESPACE", "6.11", "", probeNamespaceIoctls)
	FileHandles     = newFeature("pidfs file handles", "6.14", "", probeFileHandles)
	PidfsXattrs     = newFeature("pidfs trusted.* xattrs", "6.17", "", probeXattrs)
	Landlock        = newFeature("Landlock", "5.13", "CONFIG_SECURITY_LANDLOCK", probeLandlock)
)

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
	const landlockCreateRulesetVersion = 1
	abi, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, landlockCreateRulesetVersion)
	if errno != 0 {
		return fmt.Errorf("landlock_create_ruleset(VERSION): %w", errno)
	}
	if abi < 1 {
		return fmt.Errorf("Landlock ABI %d", abi)
	}
	return nil
}

// ActiveLSMs is the kernel's LSM stack as /sys/kernel/security/lsm lists it.
func ActiveLSMs() string {
	data, err := os.ReadFile("/sys/kernel/security/lsm")
	if err != nil {
		return "unknown (securityfs not mounted at /sys/kernel/security)"
	}
	return strings.TrimSpace(string(data))
}
