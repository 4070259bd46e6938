package selftests

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCrossCheck(t *testing.T) {
	outputs := []Output{{Program: "pidfd_getfd_test", Cases: []Case{
		{ID: "pidfd_getfd_test.c child.fetch_fd", Result: Pass},
		{ID: "pidfd_getfd_test.c child.no_strange_EBADF", Result: Pass},
		{ID: "pidfd_getfd_test.c child.disable_ptrace", Result: Skip, Reason: "no CAP_SYS_PTRACE"},
		{ID: "pidfd_getfd_test.c global.flags_set", Result: Fail},
		{ID: "pidfd_getfd_test.c child.test_unknown_fd", Result: Pass},
	}}}
	specs := []Spec{
		{Text: "fetches a dup", Verdict: Pass, Mirrors: []string{"pidfd_getfd_test.c child.fetch_fd"}},
		{Text: "fails with ESRCH", Verdict: Fail, Mirrors: []string{"pidfd_getfd_test.c child.no_strange_EBADF"}},
		{Text: "needs ptrace", Verdict: Pass, Mirrors: []string{"pidfd_getfd_test.c child.disable_ptrace"}},
		{Text: "refuses flags", Verdict: Pass, Mirrors: []string{"pidfd_getfd_test.c global.flags_set"}},
		{Text: "a 7.x case", Verdict: Skip, Mirrors: []string{"pidfd_info_test.c pidfd_info.thread_group"}},
	}
	rows := CrossCheck(outputs, specs)
	var got []string
	for _, r := range rows {
		got = append(got, string(r.Status)+" "+r.Case)
	}
	want := []string{
		"DISAGREE pidfd_getfd_test.c child.no_strange_EBADF",
		"DISAGREE pidfd_getfd_test.c global.flags_set",
		"NOT RUN pidfd_info_test.c pidfd_info.thread_group",
		"SKIPPED pidfd_getfd_test.c child.disable_ptrace",
		"AGREE pidfd_getfd_test.c child.fetch_fd",
		"UNMIRRORED pidfd_getfd_test.c child.test_unknown_fd",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(Disagreements(rows)); n != 2 {
		t.Errorf("Disagreements: %d, want 2", n)
	}
	var report bytes.Buffer
	WriteReport(&report, "6.12.117", rows)
	if !strings.Contains(report.String(), "2 disagree, 0 explained, 1 not run, 1 skipped, 1 agree, 1 selftest cases unmirrored") {
		t.Errorf("report:\n%s", report.String())
	}
}

func TestCompareIgnoresSkippedSpecs(t *testing.T) {
	specs := []Spec{{Verdict: Skip}, {Verdict: Pass}}
	if s := compare(Pass, specs); s != Agree {
		t.Errorf("PASS vs SKIP+PASS: %s, want AGREE", s)
	}
	if s := compare(XFail, specs); s != Skipped {
		t.Errorf("XFAIL: %s, want SKIPPED", s)
	}
	if s := compare(Fail, []Spec{{Verdict: Skip}}); s != Skipped {
		t.Errorf("FAIL vs SKIP: %s, want SKIPPED", s)
	}
}

// TestCrossCheckCapturedOutput runs the cross-check on the 7.3 selftests'
// real output on a 6.18 host against every citation in the suites, as if
// each citing spec passed: the disagreements are exactly the cited cases
// that 7.3's selftests fail on 6.18 (open_by_handle_at_valid_flags, and the
// supported_mask cases of a 6.19 feature).
func TestCrossCheckCapturedOutput(t *testing.T) {
	var outputs []Output
	for _, p := range []string{"pidfd_file_handle_test", "pidfd_info_test", "pidfd_getfd_test", "pidfd_wait", "pidfd_test"} {
		data, err := os.ReadFile(filepath.Join("testdata", "7.3", p+".tap"))
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, ParseKTAP(p, data))
	}
	var specs []Spec
	for i, cited := range suiteCitations(t) {
		specs = append(specs, Spec{Text: fmt.Sprintf("spec %d", i), Verdict: Pass, Mirrors: []string{cited}})
	}
	rows := CrossCheck(outputs, specs)
	var got []string
	for _, r := range Disagreements(rows) {
		got = append(got, r.Case)
	}
	want := []string{
		"pidfd_file_handle_test.c file_handle.open_by_handle_at_valid_flags",
		"pidfd_info_test.c global.supported_mask_field",
		"pidfd_info_test.c global.supported_mask_with_other_fields",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("disagreements %q, want %q", got, want)
	}
	if rows[0].Status != Disagree {
		t.Errorf("first row %s, want the disagreement first", rows[0].Status)
	}
}

// A Mirrors note that explains a disagreement turns it into EXPLAINED,
// and only that case.
func TestExplain(t *testing.T) {
	rows := []Row{
		{Case: "pidfd_autoreap_test.c global.autoreap_basic", Status: Disagree},
		{Case: "pidfd_test.c pidfd_poll", Status: Disagree},
		{Case: "pidfd_wait.c global.wait_states", Status: Agree},
	}
	Explain(rows, map[string]string{
		"pidfd_autoreap_test.c global.autoreap_basic": "racy selftest",
		"pidfd_wait.c global.wait_states":             "never used on an agreement",
	})
	if rows[0].Status != Explained || rows[0].Explanation != "racy selftest" {
		t.Errorf("explained row: %+v", rows[0])
	}
	if rows[1].Status != Disagree || rows[2].Status != Agree || rows[2].Explanation != "" {
		t.Errorf("other rows changed: %+v", rows[1:])
	}
	if len(Disagreements(rows)) != 1 {
		t.Errorf("Disagreements = %v, want only the unexplained one", Disagreements(rows))
	}
}
