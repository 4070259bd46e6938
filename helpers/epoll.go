package helpers

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
	"golang.org/x/sys/unix"
)

// An Epoll is an epoll instance owned by the spec that created it.
type Epoll struct{ fd int }

// NewEpoll creates an epoll fd and registers its close as a cleanup.
func NewEpoll() *Epoll {
	GinkgoHelper()
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	Expect(err).NotTo(HaveOccurred(), "epoll_create1")
	DeferCleanup(unix.Close, fd)
	return &Epoll{fd: fd}
}

// Add watches fd for events; the event's Fd field carries fd back.
func (e *Epoll) Add(fd int, events uint32) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	if err := unix.EpollCtl(e.fd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return fmt.Errorf("epoll_ctl(ADD, %d): %w", fd, err)
	}
	return nil
}

// Del stops watching fd.
func (e *Epoll) Del(fd int) error {
	if err := unix.EpollCtl(e.fd, unix.EPOLL_CTL_DEL, fd, nil); err != nil {
		return fmt.Errorf("epoll_ctl(DEL, %d): %w", fd, err)
	}
	return nil
}

// Wait returns the ready events (at most maxEvents), waiting up to timeout for
// the first one; it waits in slices so a spec whose ctx ends is not stuck.
// No event within timeout is not an error: it returns an empty slice.
func (e *Epoll) Wait(ctx context.Context, maxEvents int, timeout time.Duration) ([]unix.EpollEvent, error) {
	events := make([]unix.EpollEvent, maxEvents)
	deadline := time.Now().Add(timeout)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		slice := max(min(time.Until(deadline), 100*time.Millisecond), 0)
		n, err := unix.EpollWait(e.fd, events, int(slice.Milliseconds()))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("epoll_wait: %w", err)
		}
		if n > 0 || !time.Now().Before(deadline) {
			return events[:n], nil
		}
	}
}

var epollBitNames = []bitName{
	{unix.EPOLLIN, "EPOLLIN"}, {unix.EPOLLPRI, "EPOLLPRI"}, {unix.EPOLLOUT, "EPOLLOUT"},
	{unix.EPOLLERR, "EPOLLERR"}, {unix.EPOLLHUP, "EPOLLHUP"}, {unix.EPOLLRDNORM, "EPOLLRDNORM"},
	{unix.EPOLLRDBAND, "EPOLLRDBAND"}, {unix.EPOLLWRNORM, "EPOLLWRNORM"},
	{unix.EPOLLWRBAND, "EPOLLWRBAND"}, {unix.EPOLLMSG, "EPOLLMSG"}, {unix.EPOLLRDHUP, "EPOLLRDHUP"},
}

// EpollBits names epoll event bits: "EPOLLIN|EPOLLHUP", or "0".
func EpollBits(events uint32) string { return bitNames(events, epollBitNames) }

// HaveEpollEvents matches epoll event bits (uint32) exactly, naming the bits.
func HaveEpollEvents(want uint32) types.GomegaMatcher { return epollMatcher(want) }

type epollMatcher uint32

func (m epollMatcher) Match(actual any) (bool, error) {
	got, ok := actual.(uint32)
	if !ok {
		return false, fmt.Errorf("HaveEpollEvents expects uint32 events, got %T", actual)
	}
	return got == uint32(m), nil
}

func (m epollMatcher) FailureMessage(actual any) string {
	got, _ := actual.(uint32)
	return fmt.Sprintf("Expected epoll events %s, got %s", EpollBits(uint32(m)), EpollBits(got))
}

func (m epollMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected epoll events other than %s", EpollBits(uint32(m)))
}

// EpollOnce watches fd alone for events (all of them: level-triggered, no
// filtering by the caller) and returns what was ready within timeout.
func EpollOnce(ctx context.Context, fd int, events uint32, timeout time.Duration) (uint32, error) {
	GinkgoHelper()
	ep := NewEpoll()
	if err := ep.Add(fd, events); err != nil {
		return 0, err
	}
	got, err := ep.Wait(ctx, 1, timeout)
	if err != nil || len(got) == 0 {
		return 0, err
	}
	return got[0].Events, nil
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
