package main

import "testing"

func TestLintLine(t *testing.T) {
	for _, line := range []string{
		"none (issue 6 setup)",
		"none (reference §C.5)",
		"none (see DESIGN.md)",
		"pidfd_info_test.c pidfd_info.sigkill_exit (ML)",
		"pidfd_file_handle_test.c file_handle.lookup_must_fail (asserts failure only, ML)",
	} {
		if lintLine("Mirrors", line) == nil {
			t.Errorf("%q passed the lint", line)
		}
	}
	for _, line := range []string{
		"LTP pidfd_getfd02 (EPERM); man pidfd_getfd(2)",
		"none (fs/pidfs.c pidfd_ioctl: no task gives ESRCH)",
		"pidfd_info_test.c pidfd_info.sigkill_exit (v6.15 selftest)",
		"v6.13 (EREMOTE by v6.18)",
		"PIDFD_GET_INFO fails with EIO (LSM)",
	} {
		if err := lintLine("Mirrors", line); err != nil {
			t.Errorf("%q: %v", line, err)
		}
	}
}
