package helpers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// PollOnce polls fd for POLLIN with a timeout and returns revents (0 when
// nothing happened in time).
func PollOnce(fd int, timeout time.Duration) (int16, error) {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	deadline := time.Now().Add(timeout)
	for {
		ms := int(time.Until(deadline).Milliseconds())
		if ms < 0 {
			ms = 0
		}
		n, err := unix.Poll(fds, ms)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("poll(%d): %w", fd, err)
		}
		if n == 0 {
			return 0, nil
		}
		return fds[0].Revents, nil
	}
}

// WaitReadable polls fd until it reports any event, the timeout passes or
// ctx ends; it polls in slices so an interrupted spec never stays blocked.
func WaitReadable(ctx context.Context, fd int, timeout time.Duration) (int16, error) {
	deadline := time.Now().Add(timeout)
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		slice := min(time.Until(deadline), 100*time.Millisecond)
		revents, err := PollOnce(fd, max(slice, 0))
		if err != nil || revents != 0 {
			return revents, err
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("fd %d: no event within %v", fd, timeout)
		}
	}
}

// StaysQuiet polls fd for the quiet window and returns the events that came
// (0 means it stayed quiet, which the caller asserts).
func StaysQuiet(ctx context.Context, fd int) (int16, error) {
	deadline := time.Now().Add(QuietWindow())
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		revents, err := PollOnce(fd, min(time.Until(deadline), 50*time.Millisecond))
		if err != nil || revents != 0 {
			return revents, err
		}
	}
	return 0, nil
}

// bitName names one flag bit of an event mask.
type bitName struct {
	bit  uint32
	name string
}

var pollBitNames = []bitName{
	{unix.POLLIN, "POLLIN"}, {unix.POLLPRI, "POLLPRI"}, {unix.POLLOUT, "POLLOUT"},
	{unix.POLLERR, "POLLERR"}, {unix.POLLHUP, "POLLHUP"}, {unix.POLLNVAL, "POLLNVAL"},
	{POLLRDNORM, "POLLRDNORM"}, {POLLRDBAND, "POLLRDBAND"},
	{POLLWRNORM, "POLLWRNORM"}, {POLLWRBAND, "POLLWRBAND"}, {unix.POLLRDHUP, "POLLRDHUP"},
}

// PollBits names poll event bits: "POLLIN|POLLHUP", or "0".
func PollBits(revents int16) string { return bitNames(uint32(uint16(revents)), pollBitNames) }

// bitNames joins the names of the bits set in v, unknown bits in hex.
func bitNames(v uint32, names []bitName) string {
	var out []string
	rest := v
	for _, b := range names {
		if v&b.bit != 0 {
			out = append(out, b.name)
			rest &^= b.bit
		}
	}
	if rest != 0 {
		out = append(out, fmt.Sprintf("%#x", rest))
	}
	if len(out) == 0 {
		return "0"
	}
	return strings.Join(out, "|")
}
