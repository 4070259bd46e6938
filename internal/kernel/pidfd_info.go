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

// PidfdInfoRaw issues PIDFD_GET_INFO with mask in the first 8 bytes of buf
// and size as the ioctl's argument size (which need not be len(buf): the
// kernel reads the size from the request number).
func PidfdInfoRaw(pidfd int, mask uint64, size uintptr, buf []byte) error {
	*(*uint64)(unsafe.Pointer(&buf[0])) = mask
	req := uintptr(unix.PIDFD_GET_INFO)&^(uintptr(0x3fff)<<16) | size<<16
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(pidfd), req, uintptr(unsafe.Pointer(&buf[0])))
	if errno != 0 {
		return errno
	}
	return nil
}
