package kernel

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// GetPeerPidfd is getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD): a pidfd of the
// process that created or connected the socket's peer end.
func GetPeerPidfd(sock int) (int, error) {
	return unix.GetsockoptInt(sock, unix.SOL_SOCKET, SO_PEERPIDFD)
}

func probePeerPidfd() error {
	sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(sp[0])
	defer unix.Close(sp[1])
	fd, err := GetPeerPidfd(sp[0])
	if err != nil {
		return fmt.Errorf("getsockopt(SO_PEERPIDFD): %w", err)
	}
	return unix.Close(fd)
}
