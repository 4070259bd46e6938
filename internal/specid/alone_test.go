package specid

import "testing"

func TestAloneNeedsASubjectOrCondition(t *testing.T) {
	good := []string{
		"reaped_process_fails_with_esrch",
		"opens_a_zombie",
		"waitid_reports_cld_killed",
		"rejects_undefined_flag_bit_3",
		"succeeds_with_signal_0",
		"pidfd_of_running_process_reports_no_event",
		"lets_a_process_send_itself_a_siginfo_with_si_code_si_user", // a reflexive names a word of the ID
		"ntpd_t_opens_a_pidfd_for_itself",
		"fails_with_eopnotsupp_for_user_xattrs",
	}
	for _, id := range good {
		if err := Alone(id); err != nil {
			t.Errorf("Alone(%q): %v", id, err)
		}
	}
	bad := map[string]string{
		"opens_it":                              "pronoun",
		"fails_with_esrch_while_it_is_a_zombie": "pronoun",
		"reports_its_exit_status":               "pronoun",
		"joins_them_all_in_one_call":            "pronoun",
		"reports_the_bits_this_kernel_supports": "pronoun",
		"fails_with_esrch":                      "outcome",
		"fails_with_einval":                     "outcome",
		"succeeds":                              "outcome",
		"reports_no_event":                      "outcome",
		"reports_cld_killed":                    "outcome",
		"returns_pollin_pollhup":                "outcome",
		"fails_with_eperm_si_user":              "outcome",
		"returns_0":                             "outcome",
		"fails_with_eopnotsupp":                 "outcome",
		"returns_an_error":                      "outcome",
	}
	for id, why := range bad {
		err := Alone(id)
		if err == nil {
			t.Errorf("Alone(%q) accepted it (%s)", id, why)
			continue
		}
		want := map[string]string{"pronoun": "points at the spec's Describe or Context", "outcome": "names only an outcome"}[why]
		if !contains(err.Error(), want) {
			t.Errorf("Alone(%q) = %v, want a message with %q", id, err, want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
