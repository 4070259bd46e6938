package selftests

import (
	"reflect"
	"testing"
)

func TestParseMirrors(t *testing.T) {
	for line, want := range map[string][]string{
		"Mirrors:  pidfd_getfd_test.c child.no_strange_EBADF": {"pidfd_getfd_test.c child.no_strange_EBADF"},
		"pidfd_wait.c global.wait_states":                     {"pidfd_wait.c global.wait_states"},
		"LTP pidfd_open04; pidfd_wait.c global.wait_nonblock": {"pidfd_wait.c global.wait_nonblock"},
		"pidfd_file_handle_test.c file_handle.file_handle_same_pidns (0, O_CLOEXEC, O_NONBLOCK); pidfd_file_handle_test.c file_handle.open_by_handle_at_valid_flags (v6.14 selftest)": {
			"pidfd_file_handle_test.c file_handle.file_handle_same_pidns",
			"pidfd_file_handle_test.c file_handle.open_by_handle_at_valid_flags",
		},
		`pidfd_test.c "pidfd_send_signal send SIGUSR1" (to itself there); man pidfd_send_signal(2) (info NULL)`: {
			"pidfd_test.c pidfd_send_signal send SIGUSR1",
		},
		`pidfd_open_test.c "open a new pidfd" (Pid printed, not asserted there)`: {"pidfd_open_test.c open a new pidfd"},
		"pidfd_test.c test_pidfd_send_signal_recycled_pid_fail":                  nil, // malformed: no case
		"none (fs/libfs.c alloc_anon_inode, v6.1)":                               nil,
		"man pidfd_open(2)": nil,
	} {
		if got := ParseMirrors(line); !reflect.DeepEqual(got, want) {
			t.Errorf("ParseMirrors(%q) = %q, want %q", line, got, want)
		}
	}
}

func TestCaseName(t *testing.T) {
	for desc, want := range map[string]string{
		"pidfd_send_signal check for support test: Sent signal": "pidfd_send_signal check for support",
		"child.fetch_fd":        "child.fetch_fd",
		"open a new pidfd test": "open a new pidfd",
		"global.wait_simple":    "global.wait_simple",
		"pidfd poll test: pass": "pidfd poll",
	} {
		if got := caseName(desc); got != want {
			t.Errorf("caseName(%q) = %q, want %q", desc, got, want)
		}
	}
}

func TestCites(t *testing.T) {
	for _, c := range []struct {
		cited, actual string
		want          bool
	}{
		{"a.c f.t", "a.c f.t", true},
		{"a.c f.t", "a.c f.v.t", true},
		{"a.c f.t", "a.c g.v.t", false},
		{"a.c f.t", "b.c f.t", false},
		{"a.c f.v.t", "a.c f.t", false},
		{"a.c open a new pidfd", "a.c open a new pidfd", true},
		{"a.c open a.b", "a.c open.x.b", false},
	} {
		if got := Cites(c.cited, c.actual); got != c.want {
			t.Errorf("Cites(%q, %q) = %v, want %v", c.cited, c.actual, got, c.want)
		}
	}
}
