package kernel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

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

// probePeerPidfdReaped: a client connected to a listening socket gets, as
// its peer's credentials, those the listener's owner had at listen(2)
// (net/unix/af_unix.c: unix_listen records them, unix_stream_connect
// copies them). A probe child listens on a socket the probe made and is
// reaped before the probe connects, so SO_PEERPIDFD must hand out a pidfd
// of a reaped process: since v6.16 it does (net/core/sock.c:1935 asks
// pidfd_prepare for PIDFD_STALE on AF_UNIX), before it failed.
func probePeerPidfdReaped() error {
	listener, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(listener)
	// An empty address autobinds an abstract name.
	if err := unix.Bind(listener, &unix.SockaddrUnix{}); err != nil {
		return fmt.Errorf("bind: %w", err)
	}
	addr, err := unix.Getsockname(listener)
	if err != nil {
		return err
	}
	if err := runProbeChildWith(probeChildListen, listener); err != nil {
		return err
	}
	client, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(client)
	if err := unix.Connect(client, addr); err != nil {
		return fmt.Errorf("connect to the reaped probe child's listener: %w", err)
	}
	fd, err := GetPeerPidfd(client)
	if err != nil {
		return fmt.Errorf("getsockopt(SO_PEERPIDFD) of a reaped peer: %w", err)
	}
	return unix.Close(fd)
}

// probeScmPidfdReaped: a message's SCM_PIDFD names the process that sent
// it, recorded at send time. A probe child sends one byte and is reaped
// before the probe receives it: since v6.17 the receiver still gets a
// pidfd (net/core/scm.c:510 pidfd_prepare(scm->pid, PIDFD_STALE)), before
// it got a negative errno in its place.
func probeScmPidfdReaped() error {
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(pair[0])
	defer unix.Close(pair[1])
	if err := unix.SetsockoptInt(pair[0], unix.SOL_SOCKET, SO_PASSPIDFD, 1); err != nil {
		return fmt.Errorf("setsockopt(SO_PASSPIDFD): %w", err)
	}
	if err := runProbeChildWith(probeChildSend, pair[1]); err != nil {
		return err
	}
	value, ok, err := RecvSCMPidfd(pair[0])
	switch {
	case err != nil:
		return fmt.Errorf("the reaped probe child's message: %w", err)
	case !ok:
		return errors.New("the reaped probe child's message carries no SCM_PIDFD")
	case value < 0:
		return fmt.Errorf("SCM_PIDFD of a reaped sender: %w", unix.Errno(-value))
	}
	return unix.Close(int(value))
}

// runProbeChildWith has a probe child do job on a copy of socket (its fd
// 3), and reaps it.
func runProbeChildWith(job string, socket int) error {
	dup, err := unix.FcntlInt(uintptr(socket), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(dup), "probe socket")
	defer f.Close()
	p, err := startProbeChildFor(job, f, nil)
	if err != nil {
		return err
	}
	p.close()
	return nil
}
