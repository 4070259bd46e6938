package judge_test

import (
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// releaseRun is a kernel run that reported release and has one failing spec.
func releaseRun(t *testing.T, name, release string) *judge.KernelRun {
	kr := judgetest.Column(t, name, "", judgetest.Spec("fails", 2, types.SpecStateFailed, "x"))
	kr.Info = &frame.GuestInfo{Release: release}
	return kr
}

func TestExpectationVersionRanges(t *testing.T) {
	exps, err := judge.ParseExpectations(">=6.18 <6.18.14 | open: * | BUG-1 | reason https://example.org/1\n" +
		"*-cloud-amd64 >6.1 <=6.12.5 | open: * | BUG-2\n")
	if err != nil {
		t.Fatal(err)
	}
	if exps[0].Reason != "https://example.org/1" || exps[0].Source != "vm/judge/expectations.txt:1" {
		t.Errorf("reason/source: %+v", exps[0])
	}
	for _, c := range []struct {
		name, release string
		want          string // the id applied, "" for none
	}{
		{"a", "6.18.0-rc3", "BUG-1"},
		{"a", "6.18.13", "BUG-1"},
		{"a", "6.18.14", ""},
		{"a", "6.17.9", ""},
		{"x-cloud-amd64", "6.12.5+deb13-cloud-amd64", "BUG-2"},
		{"x-cloud-amd64", "6.12.6", ""},
		{"x-cloud-amd64", "6.1.0", ""},
		{"minimal", "6.12.5", ""}, // range holds, glob does not
		{"a", "", ""},             // no release: a range cannot hold
	} {
		kr := releaseRun(t, c.name, c.release)
		if c.release == "" {
			kr.Info = nil
		}
		judge.ApplyExpectationsAt(kr, exps, time.Now())
		got := kr.Cells["open: pidfd_open(2) fails"]
		if (c.want == "" && got.Result != judge.FAIL) || (c.want != "" && (got.Result != judge.XFAIL || got.ID != c.want)) {
			t.Errorf("%s %s: got %s(%s), want %q", c.name, c.release, got.Result, got.ID, c.want)
		}
	}
}

func TestExpectationUntil(t *testing.T) {
	exps, err := judge.ParseExpectations("* | open: * | BUG-D | until 2026-11-30\n* | open: * | BUG-V | until 6.19\n")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)
	kr := releaseRun(t, "a", "6.18.3")
	judge.ApplyExpectationsAt(kr, exps[:1], day)
	if c := kr.Cells["open: pidfd_open(2) fails"]; c.Result != judge.XFAIL || len(kr.ExpiredExpectations) != 0 {
		t.Errorf("on its until day the entry still applies: %+v %v", c, kr.ExpiredExpectations)
	}
	kr = releaseRun(t, "a", "6.18.3")
	judge.ApplyExpectationsAt(kr, exps[:1], day.Add(2*time.Hour))
	if c := kr.Cells["open: pidfd_open(2) fails"]; c.Result != judge.FAIL {
		t.Errorf("an expired entry still applies: %+v", c)
	}
	if len(kr.ExpiredExpectations) != 1 || !strings.Contains(kr.ExpiredExpectations[0], "vm/judge/expectations.txt:1 BUG-D (until 2026-11-30)") {
		t.Errorf("expired entry not listed: %v", kr.ExpiredExpectations)
	}
	for release, expired := range map[string]bool{"6.18.9": false, "6.19.0-rc1": true, "7.0.1": true} {
		kr := releaseRun(t, "a", release)
		judge.ApplyExpectationsAt(kr, exps[1:], day)
		if got := kr.Cells["open: pidfd_open(2) fails"].Result == judge.FAIL; got != expired || len(kr.ExpiredExpectations) == 0 != !expired {
			t.Errorf("until 6.19 on %s: expired=%v, listed %v", release, got, kr.ExpiredExpectations)
		}
	}
}

func TestExpectationMalformedLines(t *testing.T) {
	for line, msg := range map[string]string{
		"just one field":                        "want at least",
		"6.1.* | | BUG":                         "empty spec-glob or id",
		" | open: * | BUG":                      "empty kernel field",
		"6.1.* 6.2.* | open: * | BUG":           "two kernel globs",
		">=6.18-rc1 | open: * | BUG":            `"6.18-rc1" is not a version`,
		">=six | open: * | BUG":                 "is not a version",
		"* | open: * | BUG | until tomorrow":    "neither a date YYYY-MM-DD nor a version",
		"* | open: * | BUG | until 2026-13-01":  "neither a date",
		"* | open: * | BUG | until":             "unknown, repeated or empty field",
		"* | open: * | BUG | see https://x":     "unknown, repeated or empty field",
		"* | open: * | BUG | reason a | reason": "unknown, repeated or empty field",
	} {
		_, err := judge.ParseExpectations("# header\n\n" + line + "\n")
		if err == nil || !setup.IsError(err) || !strings.Contains(err.Error(), "vm/judge/expectations.txt:3: ") || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: got %v, want a setup error naming vm/judge/expectations.txt:3 and %q", line, err, msg)
		}
	}
}
