package report

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

func TestTextReportShowsTheConsoleTailOfAMiss(t *testing.T) {
	b := judge.NewKernelRun(&kernels.Kernel{Name: "broken"})
	b.Miss = "kernel died: Kernel panic - not syncing: VFS"
	b.ConsoleTail = "[    1.0] Kernel panic - not syncing: VFS"
	m := judge.NewMatrix("t", []*judge.KernelRun{judgetest.Column(t, "a", "", judgetest.Spec("passes", 1, types.SpecStatePassed, "")), b})
	if txt := Text(m); !strings.Contains(txt, "console tail of broken") || !strings.Contains(txt, "| [    1.0] Kernel panic") {
		t.Errorf("text report lacks the console tail:\n%s", txt)
	}
}

func TestTextReportGroupsNotPassReasons(t *testing.T) {
	a := judgetest.Column(t, "6.1", "", judgetest.Spec("fails", 1, types.SpecStateFailed, "pid 12 gone"),
		judgetest.Spec("skips", 2, types.SpecStateSkipped, "requires procfs"), judgetest.Spec("also skips", 3, types.SpecStateSkipped, "requires procfs"))
	b := judgetest.Column(t, "6.12", "", judgetest.Spec("fails", 1, types.SpecStateFailed, "pid 13 gone"),
		judgetest.Spec("skips", 2, types.SpecStatePassed, ""), judgetest.Spec("also skips", 3, types.SpecStatePassed, ""))
	txt := Text(judge.NewMatrix("t", []*judge.KernelRun{a, b}))
	for _, want := range []string{
		"  FAIL    open: pidfd_open(2) fails\n          on 6.1, 6.12: pid 12 gone" + varies,
		"  SKIP    2 specs, e.g. open: pidfd_open(2) skips\n          on 6.1: requires procfs",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("text report lacks %q:\n%s", want, txt)
		}
	}
}

func TestTextReportListsExpiredExpectations(t *testing.T) {
	kr := judgetest.Column(t, "a", "", judgetest.Spec("fails", 2, types.SpecStateFailed, "x"))
	kr.ExpiredExpectations = []string{"vm/judge/expectations.txt:2 BUG-V (until 6.19)"}
	m := judge.NewMatrix("t", []*judge.KernelRun{kr})
	if !strings.Contains(Text(m), "expired expectations (ignored, remove or renew them): vm/judge/expectations.txt:2 BUG-V (until 6.19)") {
		t.Errorf("the report does not list the expired entry:\n%s", Text(m))
	}
}
