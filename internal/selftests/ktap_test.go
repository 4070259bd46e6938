package selftests

import (
	"strings"
	"testing"
)

// TestParseKTAPFormats covers the line shapes kselftest.h and
// kselftest_harness.h print in 6.1, 6.12 and 7.x, as read from their
// sources.
func TestParseKTAPFormats(t *testing.T) {
	out := strings.Join([]string{
		"TAP version 13",
		"1..7",
		"# Starting 7 tests from 2 test cases.",
		"#  RUN           child.fetch_fd ...",
		"#            OK  child.fetch_fd",
		"ok 1 child.fetch_fd",
		"#  RUN           child.disable_ptrace ...",
		"#      SKIP      no CAP_SYS_PTRACE", // 6.1: no name on the result line
		"ok 2 # SKIP no CAP_SYS_PTRACE",
		"#  RUN           file_handle.pid_has_exited ...",
		"not ok 3 file_handle.pid_has_exited #  open_by_handle_at", // 6.12+: failure diagnostic
		"ok 4 global.wait_states # SKIP needs root",
		"ok 5 pidfd_info.thread_group # XFAIL known",
		"ok 6 # SKIP pidfd_send_signal check for support test: pidfd_send_signal() syscall not supported",
		"not ok 7 # error pidfd_poll test: poll failed",
		"# Totals: pass:1 fail:2 xfail:1 xpass:0 skip:3 error:0",
	}, "\n")
	o := ParseKTAP("pidfd_mixed", []byte(out))
	want := []string{
		"PASS pidfd_mixed.c child.fetch_fd ",
		"SKIP pidfd_mixed.c child.disable_ptrace no CAP_SYS_PTRACE",
		"FAIL pidfd_mixed.c file_handle.pid_has_exited open_by_handle_at",
		"SKIP pidfd_mixed.c global.wait_states needs root",
		"XFAIL pidfd_mixed.c pidfd_info.thread_group known",
		"SKIP pidfd_mixed.c pidfd_send_signal check for support pidfd_send_signal check for support test: pidfd_send_signal() syscall not supported",
		"FAIL pidfd_mixed.c pidfd_poll pidfd_poll test: poll failed",
	}
	checkCases(t, o, want)
	if o.Planned != 7 {
		t.Errorf("planned %d, want 7", o.Planned)
	}
}

func TestParseKTAPBailOutFailsTheCase(t *testing.T) {
	out := "TAP version 13\n1..4\nok 1 pidfd_send_signal check for support test: Sent signal\n" +
		"Bail out! pidfd_send_signal signal exited process test: Failed to send signal\n"
	o := ParseKTAP("pidfd_test", []byte(out))
	checkCases(t, o, []string{
		"PASS pidfd_test.c pidfd_send_signal check for support ",
		"FAIL pidfd_test.c pidfd_send_signal signal exited process pidfd_send_signal signal exited process test: Failed to send signal",
	})
}

func TestParseKTAPWholeProgramSkip(t *testing.T) {
	o := ParseKTAP("pidfd_setns_test", []byte("TAP version 13\n1..0 # SKIP no namespaces\n"))
	if o.Planned != 0 || o.Skip != "no namespaces" || len(o.Cases) != 0 {
		t.Errorf("got %+v", o)
	}
}

func checkCases(t *testing.T, o Output, want []string) {
	t.Helper()
	var got []string
	for _, c := range o.Cases {
		got = append(got, string(c.Result)+" "+c.ID+" "+c.Reason)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cases:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
