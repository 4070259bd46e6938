package role

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// A Channel is one end of a SOCK_SEQPACKET socketpair between the test and a
// helper process: messages keep their boundaries and may carry fds.
type Channel struct{ fd int }

// errChannelClosed means the other side closed the socket, usually by exiting.
var errChannelClosed = errors.New("helper closed its end (exited?)")

const maxMessage = 64 << 10

// NewChannelPair returns the test's end (close-on-exec) and the file to hand
// to the helper as an inherited fd.
func NewChannelPair() (*Channel, *os.File, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	return &Channel{fd: fds[0]}, os.NewFile(uintptr(fds[1]), "helper-peer"), nil
}

// channelFromFd wraps an inherited fd (the helper's side).
func channelFromFd(fd int) *Channel { return &Channel{fd: fd} }

// Fd is the socket itself, for passing it on to another process.
func (p *Channel) Fd() int { return p.fd }

// Send writes one message, optionally with fds (SCM_RIGHTS).
func (p *Channel) Send(msg string, fds ...int) error {
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	if err := unix.Sendmsg(p.fd, []byte(msg), oob, nil, 0); err != nil {
		return fmt.Errorf("send %q: %w", msg, err)
	}
	return nil
}

// Sendf is Send with formatting.
func (p *Channel) Sendf(format string, args ...any) error {
	return p.Send(fmt.Sprintf(format, args...))
}

// Recv reads one message and any fds it carries, waiting up to timeout and
// giving up early when ctx ends, so no spec blocks in read(2).
func (p *Channel) Recv(ctx context.Context, timeout time.Duration) (string, []int, error) {
	revents, err := kernel.WaitReadable(ctx, p.fd, timeout)
	if err != nil {
		return "", nil, err
	}
	if revents&(unix.POLLIN|unix.POLLHUP) == 0 {
		return "", nil, fmt.Errorf("helper socket polls %s", kernel.PollBits(revents))
	}
	return p.recvBlocking()
}

// recvBlocking reads one message without a timeout; roles use it (Serve), the
// test process does not.
func (p *Channel) recvBlocking() (string, []int, error) {
	buf := make([]byte, maxMessage)
	oob := make([]byte, unix.CmsgSpace(16*4))
	for {
		n, oobn, _, _, err := unix.Recvmsg(p.fd, buf, oob, unix.MSG_CMSG_CLOEXEC)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return "", nil, fmt.Errorf("recvmsg: %w", err)
		}
		if n == 0 && oobn == 0 {
			return "", nil, errChannelClosed
		}
		fds, err := kernel.ParseRights(oob[:oobn])
		return string(buf[:n]), fds, err
	}
}

// Close closes the socket; the other side sees errChannelClosed.
func (p *Channel) Close() error { return unix.Close(p.fd) }

// Reply is a helper's answer: "ok <fields…>" or "err <ERRNO> <text>".
type Reply struct {
	Text   string // everything after "ok"
	Fields []string
	Fds    []int
}

// ParseReply turns "err ERRNO text" back into a unix.Errno, so specs can
// match a helper's failure with BeErrno.
func ParseReply(msg string, fds []int) (Reply, error) {
	fields := strings.Fields(msg)
	if len(fields) > 0 && fields[0] == "ok" {
		text := strings.TrimLeft(strings.TrimPrefix(msg, "ok"), " \n")
		return Reply{Text: text, Fields: fields[1:], Fds: fds}, nil
	}
	if len(fields) > 1 && fields[0] == "err" {
		if errno := errnoByName(fields[1]); errno != 0 {
			return Reply{}, fmt.Errorf("%s: %w", strings.Join(fields[2:], " "), errno)
		}
	}
	return Reply{}, fmt.Errorf("helper answered %q", msg)
}

// replyErr formats an error as the "err ERRNO text" wire form.
func replyErr(err error) string {
	name := "EIO"
	var errno unix.Errno
	if errors.As(err, &errno) && unix.ErrnoName(errno) != "" {
		name = unix.ErrnoName(errno)
	}
	return fmt.Sprintf("err %s %s", name, strings.ReplaceAll(err.Error(), "\n", " "))
}

func errnoByName(name string) unix.Errno {
	for e := unix.Errno(1); e < 4096; e++ {
		if unix.ErrnoName(e) == name {
			return e
		}
	}
	return 0
}

// Answer is a role's reply to a command: "ok <text>" or, for an error,
// "err ERRNO text", which Child.Call turns back into a matching errno.
func Answer(text string, err error) string {
	if err != nil {
		return replyErr(err)
	}
	return strings.TrimSpace("ok " + text)
}
