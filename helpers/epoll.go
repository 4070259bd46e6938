package helpers

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
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
