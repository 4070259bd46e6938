package specid

import (
	"reflect"
	"strings"
	"testing"
)

func TestWordsReadsTextAsIDsAreWritten(t *testing.T) {
	got := Words("pidfd_getfd(2) fails with EBADF for fd -1; the thread-group leader's /proc/<pid> SIGRTMIN+1 -EBADF")
	want := strings.Fields("pidfd getfd 2 fails with ebadf for fd minus 1 the thread group leader s proc pid sigrtmin 1 ebadf")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Words = %q\nwant    %q", got, want)
	}
}

func TestDriftWantsEveryWordInTheText(t *testing.T) {
	cases := []struct {
		id, text string
		missing  string // "" when the ID is said by its text
	}{
		{"reaped_process_fails_with_esrch", "pidfd_open(2) when the process has been reaped fails with ESRCH", ""},
		{"opens_a_zombie", "pidfd_open(2) when the process is a zombie opens it", ""},
		// Articles need not be said; inflections compare equal.
		{"global_reuse_fails_with_esrch", "pidfd_send_signal(2) after pid reuse when a global pid number is reused fails with ESRCH", ""},
		{"exited_target_fails_with_esrch_once_reaped", "pidfd_getfd(2) when the target has exited fails with ESRCH once it is reaped", ""},
		{"another_uid_exited_target_fails_with_eperm_while_a_zombie", "pidfd_getfd(2) when an unprivileged caller targets a process of another uid that has exited fails with EPERM while it is a zombie", ""},
		// The fail verbs stand for each other.
		{"rejects_undefined_flag_bit_3", "pidfd_open(2) fails with EINVAL for an undefined flag bit 3 (0x8)", ""},
		{"process_group_flag_fails_with_esrch", "refuses PIDFD_SIGNAL_PROCESS_GROUP with ESRCH when the pid is no process group flag", ""},
		// Abbreviations and "-1".
		{"target_outside_caller_pidns_fails_with_einval", "pidfd_send_signal(2) across pid namespaces when the target is outside the caller's pid namespace fails with EINVAL", ""},
		{"fails_with_ebadf_for_fd_minus_1", "pidfd_getfd(2) fails with EBADF for fd -1", ""},
		// Drifted: a synonym, a word the text lost, another errno.
		{"stale_pidfd_fails_with_esrch", "pidfd_send_signal(2) after pid reuse through the pidfd of the reaped process fails with ESRCH", "stale"},
		{"other_uid_target_fails", "pidfd_getfd(2) when an unprivileged caller targets a process of another uid fails with EPERM", "other"},
		{"fails_with_einval_for_a_reaped_process", "pidfd_open(2) when the process has been reaped fails with ESRCH", "einval, for"},
		{"returns_pidfd", "pidfd_open(2) reports a pidfd", "returns"},
		{"pidns_reuse_fails", "pidfd_send_signal(2) after reuse when the caller is in the user namespace fails", "pidns"},
	}
	for _, c := range cases {
		err := Drift(c.id, c.text)
		switch {
		case c.missing == "" && err != nil:
			t.Errorf("Drift(%q, %q): %v", c.id, c.text, err)
		case c.missing != "" && err == nil:
			t.Errorf("Drift(%q, %q) accepted it; want %q missing", c.id, c.text, c.missing)
		case c.missing != "" && !strings.Contains(err.Error(), "does not say: "+c.missing+";"):
			t.Errorf("Drift(%q) = %v; want %q missing", c.id, err, c.missing)
		}
	}
}
