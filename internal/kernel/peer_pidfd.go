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
	m, err := RecvPeerMessage(sock)
	return m.Pidfd, m.HasPidfd, err
}

// PeerMessage is what recvmsg(2) brought along with one message on a
// socket with SO_PASSCRED and SO_PASSPIDFD set.
type PeerMessage struct {
	Creds    *unix.Ucred // SCM_CREDENTIALS, nil when absent
	Pidfd    int32       // SCM_PIDFD: a pidfd, or a negative errno where the kernel could not make one
	HasPidfd bool
}

// RecvPeerMessage receives one message on sock without blocking and
// returns its SCM_CREDENTIALS and SCM_PIDFD control messages.
func RecvPeerMessage(sock int) (PeerMessage, error) {
	buf := make([]byte, 16)
	oob := make([]byte, unix.CmsgSpace(4)+unix.CmsgSpace(unix.SizeofUcred))
	_, oobn, flags, _, err := unix.Recvmsg(sock, buf, oob, unix.MSG_DONTWAIT|unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return PeerMessage{}, fmt.Errorf("recvmsg: %w", err)
	}
	if flags&unix.MSG_CTRUNC != 0 {
		return PeerMessage{}, fmt.Errorf("recvmsg: control messages truncated (%d bytes of room)", len(oob))
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil {
		return PeerMessage{}, fmt.Errorf("control message: %w", err)
	}
	var m PeerMessage
	for _, c := range msgs {
		switch {
		case c.Header.Level == unix.SOL_SOCKET && c.Header.Type == unix.SCM_CREDENTIALS:
			if m.Creds, err = unix.ParseUnixCredentials(&c); err != nil {
				return m, err
			}
		case c.Header.Level == unix.SOL_SOCKET && c.Header.Type == unix.SCM_PIDFD && len(c.Data) >= 4:
			m.Pidfd, m.HasPidfd = int32(binary.NativeEndian.Uint32(c.Data)), true
		}
	}
	return m, nil
}
