package helpers

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// FdPidfsRoot is the uapi FD_PIDFS_ROOT: open_by_handle_at(2) decodes a
// pidfs handle without any pidfd as the mount fd.
const FdPidfsRoot = -10002

// PidfsRootHandles: open_by_handle_at(FD_PIDFS_ROOT, pidfs handle).
var PidfsRootHandles = newFeature("open_by_handle_at(FD_PIDFS_ROOT)", "6.17", "", probePidfsRoot)

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

// PidfsGetversion: FS_IOC_GETVERSION on a pidfd (the inode generation).
var PidfsGetversion = newFeature("FS_IOC_GETVERSION on pidfds", "6.14", "", func() error {
	return withSelfPidfd(0, func(fd int) error {
		if _, err := PidfsGeneration(fd); err != nil {
			return fmt.Errorf("ioctl(pidfd, FS_IOC_GETVERSION): %w", err)
		}
		return nil
	})
})
