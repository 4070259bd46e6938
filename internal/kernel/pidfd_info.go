package kernel

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// GetPidfdInfo issues ioctl(PIDFD_GET_INFO) with the given request mask.
func GetPidfdInfo(pidfd int, mask uint64) (*unix.PidfdInfo, error) {
	info := &unix.PidfdInfo{Mask: mask}
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(pidfd), unix.PIDFD_GET_INFO, uintptr(unsafe.Pointer(info)))
	if errno != 0 {
		return nil, fmt.Errorf("ioctl(PIDFD_GET_INFO): %w", errno)
	}
	return info, nil
}
