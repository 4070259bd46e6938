package vm

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

func TestTextReportShowsTheConsoleTailOfAMiss(t *testing.T) {
	b := newKernelRun(&Kernel{Name: "broken"})
	b.Miss = "kernel died: Kernel panic - not syncing: VFS"
	b.ConsoleTail = "[    1.0] Kernel panic - not syncing: VFS"
	m := NewMatrix("t", []*KernelRun{kernelRun(t, "a", "", spec("passes", 1, types.SpecStatePassed, "")), b})
	if txt := TextReport(m); !strings.Contains(txt, "console tail of broken") || !strings.Contains(txt, "| [    1.0] Kernel panic") {
		t.Errorf("text report lacks the console tail:\n%s", txt)
	}
}

func TestTextReportGroupsNotPassReasons(t *testing.T) {
	a := kernelRun(t, "6.1", "", spec("fails", 1, types.SpecStateFailed, "pid 12 gone"),
		spec("skips", 2, types.SpecStateSkipped, "requires procfs"), spec("also skips", 3, types.SpecStateSkipped, "requires procfs"))
	b := kernelRun(t, "6.12", "", spec("fails", 1, types.SpecStateFailed, "pid 13 gone"),
		spec("skips", 2, types.SpecStatePassed, ""), spec("also skips", 3, types.SpecStatePassed, ""))
	txt := TextReport(NewMatrix("t", []*KernelRun{a, b}))
	for _, want := range []string{
		"  FAIL    open: pidfd_open(2) fails\n          on 6.1, 6.12: pid 12 gone" + varies,
		"  SKIP    2 specs, e.g. open: pidfd_open(2) skips\n          on 6.1: requires procfs",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("text report lacks %q:\n%s", want, txt)
		}
	}
}
