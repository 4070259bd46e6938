package helpers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// ErrnoName is "EINVAL", or "success" for a nil error.
var ErrnoName = kernel.ErrnoName

func errnoNames(errs []unix.Errno) string {
	names := make([]string, len(errs))
	for i, e := range errs {
		names[i] = ErrnoName(e)
	}
	return strings.Join(names, " or ")
}

// BeErrno matches an error that is (or wraps) one of the errnos; failure
// messages name both sides ("Expected EINVAL, got ESRCH").
func BeErrno(want unix.Errno, alsoAccepted ...unix.Errno) types.GomegaMatcher {
	return &errnoMatcher{accepted: append([]unix.Errno{want}, alsoAccepted...)}
}

type errnoMatcher struct{ accepted []unix.Errno }

func (m *errnoMatcher) Match(actual any) (bool, error) {
	if actual == nil {
		return false, nil
	}
	err, ok := actual.(error)
	if !ok {
		return false, fmt.Errorf("BeErrno expects an error, got %T", actual)
	}
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return false, nil
	}
	for _, a := range m.accepted {
		if errno == a {
			return true, nil
		}
	}
	return false, nil
}

func (m *errnoMatcher) FailureMessage(actual any) string {
	err, _ := actual.(error)
	return fmt.Sprintf("Expected %s, got %s (%v)", errnoNames(m.accepted), ErrnoName(err), err)
}

func (m *errnoMatcher) NegatedFailureMessage(actual any) string {
	err, _ := actual.(error)
	return fmt.Sprintf("Expected anything but %s, got %s", errnoNames(m.accepted), ErrnoName(err))
}

// HavePollEvents matches poll revents (int16) exactly; failures name the
// bits on both sides. poll(2) reports only requested bits plus
// POLLHUP/POLLERR/POLLNVAL, so asking for POLLIN never yields POLLRDNORM.
func HavePollEvents(want int16) types.GomegaMatcher {
	return gcustom.MakeMatcher(func(got int16) (bool, error) { return got == want, nil }).
		WithTemplate("Expected poll events {{.Data.Want}}, got {{.Data.Got .Actual}}").
		WithTemplateData(pollNames{Want: kernel.PollBits(want)})
}

type pollNames struct{ Want string }

func (pollNames) Got(actual any) string {
	if v, ok := actual.(int16); ok {
		return kernel.PollBits(v)
	}
	return fmt.Sprint(actual)
}

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
	return fmt.Sprintf("Expected epoll events %s, got %s", kernel.EpollBits(uint32(m)), kernel.EpollBits(got))
}

func (m epollMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected epoll events other than %s", kernel.EpollBits(uint32(m)))
}

// HaveFDFlags matches an fd whose F_GETFD flags include all of want.
func HaveFDFlags(want int) types.GomegaMatcher {
	return fcntlMatcher(unix.F_GETFD, want, "FD_CLOEXEC")
}

// HaveStatusFlags matches an fd whose F_GETFL status flags include all of want.
func HaveStatusFlags(want int) types.GomegaMatcher {
	return fcntlMatcher(unix.F_GETFL, want, fmt.Sprintf("status flags %#o", want))
}

func fcntlMatcher(cmd, want int, what string) types.GomegaMatcher {
	return gcustom.MakeMatcher(func(fd int) (bool, error) {
		got, err := unix.FcntlInt(uintptr(fd), cmd, 0)
		if err != nil {
			return false, fmt.Errorf("fcntl(%d): %w", fd, err)
		}
		return got&want == want, nil
	}).WithMessage("have " + what + " set")
}

// ReapedPollEvents matches what poll(2) with POLLIN reports for a reaped process:
//
//	v5.3–v6.8  POLLIN          (no task: thread_group_exited() is true, never HUP)
//	v6.9+      POLLIN|POLLHUP  ("pidfd_poll: report POLLHUP when pid_task() == NULL")
//
// An older kernel may carry the v6.9 behaviour as a backport.
func ReapedPollEvents() types.GomegaMatcher {
	if kernel.Kernel().AtLeast("6.9") {
		return HavePollEvents(unix.POLLIN | unix.POLLHUP)
	}
	return gomega.Or(HavePollEvents(unix.POLLIN), HavePollEvents(unix.POLLIN|unix.POLLHUP))
}
