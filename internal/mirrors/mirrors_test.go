package mirrors

import "testing"

func TestParseMirrors(t *testing.T) {
	good := map[string][]Ref{
		"none": {{Kind: "none"}},
		"none (fs/pidfs.c pidfd_info: no pid in the caller's namespace)": {{Kind: "none", Note: "fs/pidfs.c pidfd_info: no pid in the caller's namespace"}},
		"pidfd_getfd_test.c child.fetch_fd; LTP pidfd_getfd01 (run unprivileged (as nobody)); man pidfd_getfd(2)": {
			{Kind: "selftest", Program: "pidfd_getfd_test.c", Case: "child.fetch_fd"},
			{Kind: "ltp", Program: "pidfd_getfd01", Note: "run unprivileged (as nobody)"},
			{Kind: "man", Program: "pidfd_getfd", Case: "2"},
		},
		`pidfd_test.c "pidfd_send_signal check for support"`: {{Kind: "selftest", Program: "pidfd_test.c", Case: "pidfd_send_signal check for support"}},
		"pidfd_wait.c global.wait_simple":                    {{Kind: "selftest", Program: "pidfd_wait.c", Case: "global.wait_simple"}},
		// A wrapped value: its line breaks count as spaces.
		"pidfd_info_test.c pidfd_info.sigkill_reaped (v6.15\n  selftest);\n LTP ioctl_pidfd03": {
			{Kind: "selftest", Program: "pidfd_info_test.c", Case: "pidfd_info.sigkill_reaped", Note: "v6.15 selftest"},
			{Kind: "ltp", Program: "ioctl_pidfd03"},
		},
	}
	for line, want := range good {
		got, err := Parse(line)
		if err != nil || len(got) != len(want) {
			t.Errorf("%q: %v, %v", line, got, err)
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%q ref %d: got %+v, want %+v", line, i, got[i], want[i])
			}
		}
	}
	for _, line := range []string{
		"",
		"pidfd_getfd_test.c TEST_F(child, fetch_fd)",      // the C macro, not the KTAP name
		"pidfd_poll_test.c",                               // no case
		"LTP ioctl_pidfd",                                 // a family, not a test
		"LTP pidfd_open01, LTP pidfd_open02",              // wrong separator
		"man pidfd_open",                                  // no section
		"none; LTP pidfd_open01",                          // none stands alone
		"LTP pidfd_open01 (unbalanced",                    // open note
		"pidfd_info_test.c pidfd_info.sigkill_exit (ML)x", // trailing text
	} {
		if refs, err := Parse(line); err == nil {
			t.Errorf("%q parsed as %+v, want an error", line, refs)
		}
	}
}
