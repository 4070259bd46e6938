package main

import (
	"reflect"
	"testing"
)

func TestBehaviorDriftNamesWhatTheBehaviorLineLacks(t *testing.T) {
	syscalls := map[string]bool{"waitid": true, "pidfd_getfd": true, "poll": true}
	cases := []struct {
		behavior, text string
		missing        []string
	}{
		{"pidfd_getfd(2) fails with EBADF for an fd the target does not have.", "when the target is alive fails with EBADF for an fd the target does not have", nil},
		{"pidfd_getfd(2) fails with ESRCH.", "fails with EBADF", []string{"EBADF"}},
		{"waitid(WEXITED) on a PIDFD_NONBLOCK pidfd fails with EAGAIN.", "with a PIDFD_NONBLOCK pidfd fails with EAGAIN while the child runs", nil},
		{"waitid fails with EAGAIN.", "with a PIDFD_NONBLOCK pidfd fails with EAGAIN", []string{"PIDFD_NONBLOCK"}},
		{"the pidfd reports POLLIN.", "reports POLLIN|POLLHUP with poll", []string{"POLLHUP", "poll"}},
		{"a thread's pidfd polls readable.", "waitid(2) with P_PIDFD reports CLD_EXITED", []string{"P_PIDFD", "CLD_EXITED", "waitid"}},
		// Upper-case words that are no errno are no names.
		{"marks CREDS.", "marks CREDS but not EXIT", nil},
		// A "*" name stands for the names it matches, either way.
		{"PIDFD_GET_PID_NAMESPACE returns the namespace.", "PIDFD_GET_*_NAMESPACE ioctls", nil},
		{"every PIDFD_GET_*_NAMESPACE ioctl fails.", "PIDFD_GET_PID_NAMESPACE fails", nil},
		{"the ioctl fails with EOPNOTSUPP.", "fail with EOPNOTSUPP for SIGUSR2 under WNOHANG", []string{"SIGUSR2", "WNOHANG"}},
	}
	for _, c := range cases {
		if got := behaviorDrift(c.behavior, c.text, syscalls); !reflect.DeepEqual(got, c.missing) {
			t.Errorf("behaviorDrift(%q, %q) = %q, want %q", c.behavior, c.text, got, c.missing)
		}
	}
}
