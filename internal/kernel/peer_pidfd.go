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
