package kernel

import (
	"context"
	"errors"
	"fmt"
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

// QuietUntilReadable polls fds for POLLIN until stop (typically a helper's
// peer socket) becomes readable or timeout passes, and returns the events
// any of fds reported first (zero: they all stayed quiet while the helper
// worked). It watches a transition as it happens, such as an exec, rather
// than the state after it.
func QuietUntilReadable(ctx context.Context, fds []int, stop int, timeout time.Duration) (int16, error) {
	pfds := make([]unix.PollFd, 0, len(fds)+1)
	for _, fd := range fds {
		pfds = append(pfds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
	}
	pfds = append(pfds, unix.PollFd{Fd: int32(stop), Events: unix.POLLIN})
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		slice := max(min(time.Until(deadline), 100*time.Millisecond), 0)
		_, err := unix.Poll(pfds, int(slice.Milliseconds()))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("poll: %w", err)
		}
		for _, p := range pfds[:len(fds)] {
			if p.Revents != 0 {
				return p.Revents, nil
			}
		}
		if pfds[len(fds)].Revents != 0 {
			return 0, nil
		}
	}
	return 0, fmt.Errorf("fd %d did not become readable within %v", stop, timeout)
}

// QuietWhile polls fds for POLLIN in 1 ms slices until done reports true,
// then once more, and returns the first events any of fds reported (zero:
// quiet throughout). It watches a transition the caller can see complete
// (a thread turning zombie), so no fixed window is needed: the pidfd's
// readiness is a function of the state, and the state is final when done.
func QuietWhile(ctx context.Context, fds []int, done func() bool, timeout time.Duration) (int16, error) {
	pfds := make([]unix.PollFd, len(fds))
	for i, fd := range fds {
		pfds[i] = unix.PollFd{Fd: int32(fd), Events: unix.POLLIN}
	}
	deadline := time.Now().Add(timeout)
	for finished := false; ; {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		wait := 1
		if finished {
			wait = 0
		}
		_, err := unix.Poll(pfds, wait)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("poll: %w", err)
		}
		for _, p := range pfds {
			if p.Revents != 0 {
				return p.Revents, nil
			}
		}
		if finished {
			return 0, nil
		}
		finished = done()
		if !finished && time.Now().After(deadline) {
			return 0, fmt.Errorf("the awaited state did not come within %v", timeout)
		}
	}
}

// WaitPollBits polls fd for POLLIN until its revents hold all of want, the
// timeout passes or ctx ends, and returns the last revents. For states a
// pidfd passes through on its way: a thread that exits is first a zombie
// (POLLIN) and a moment later released (POLLIN|POLLHUP).
func WaitPollBits(ctx context.Context, fd int, want int16, timeout time.Duration) (int16, error) {
	deadline := time.Now().Add(timeout)
	var revents int16
	for {
		if err := ctx.Err(); err != nil {
			return revents, err
		}
		r, err := PollOnce(fd, max(min(time.Until(deadline), 10*time.Millisecond), 0))
		if err != nil {
			return r, err
		}
		if r != 0 {
			revents = r
		}
		if revents&want == want {
			return revents, nil
		}
		if time.Now().After(deadline) {
			return revents, fmt.Errorf("fd %d: %s not reported within %v (last: %s)", fd, PollBits(want), timeout, PollBits(revents))
		}
	}
}
