package kernel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// Waitid is waitid(P_PIDFD, pidfd, …, options) retried on EINTR.
func Waitid(pidfd, options int) (SigInfo, error) {
	for {
		var si unix.Siginfo
		err := unix.Waitid(unix.P_PIDFD, pidfd, &si, options, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return DecodeSiginfo(&si), err
	}
}

// WaitidTimeout is a blocking waitid(P_PIDFD) that the spec stops waiting
// for after timeout or when ctx ends. The call itself runs on its own
// goroutine: if it is abandoned, it returns once the child is killed and
// reaped by its cleanup.
func WaitidTimeout(ctx context.Context, pidfd, options int, timeout time.Duration) (SigInfo, error) {
	type result struct {
		info SigInfo
		err  error
	}
	done := make(chan result, 1)
	go func() {
		info, err := Waitid(pidfd, options)
		done <- result{info, err}
	}()
	select {
	case r := <-done:
		return r.info, r.err
	case <-ctx.Done():
		return SigInfo{}, ctx.Err()
	case <-time.After(timeout):
		return SigInfo{}, fmt.Errorf("waitid(P_PIDFD, %d, %#x): no state change within %v", pidfd, options, timeout)
	}
}
