package kernel

import (
	"encoding/binary"
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

// RecvSCMPidfd receives one message on sock without blocking and returns
// the value of its SCM_PIDFD control message: a pidfd of the sender, or,
// on kernels that could not make one, the negative errno they put there
// instead. ok is false when the message carried no SCM_PIDFD.
func RecvSCMPidfd(sock int) (value int32, ok bool, err error) {
	buf := make([]byte, 16)
	oob := make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := unix.Recvmsg(sock, buf, oob, unix.MSG_DONTWAIT|unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return 0, false, fmt.Errorf("recvmsg: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil {
		return 0, false, fmt.Errorf("control message: %w", err)
	}
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_PIDFD && len(m.Data) >= 4 {
			return int32(binary.NativeEndian.Uint32(m.Data)), true, nil
		}
	}
	return 0, false, nil
}
