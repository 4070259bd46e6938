package judge_test

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

func TestMatrixExitCodes(t *testing.T) {
	pass := judgetest.Spec("passes", 1, types.SpecStatePassed, "")
	fail := judgetest.Spec("fails", 2, types.SpecStateFailed, "nope")
	cases := []struct {
		name string
		runs func() []*judge.KernelRun
		want int
	}{
		{"all pass", func() []*judge.KernelRun { return []*judge.KernelRun{judgetest.Column(t, "a", "", pass)} }, judge.ExitOK},
		{"a fail", func() []*judge.KernelRun { return []*judge.KernelRun{judgetest.Column(t, "a", "", pass, fail)} }, judge.ExitFail},
		{"a miss", func() []*judge.KernelRun {
			b := judge.NewKernelRun(&kernels.Kernel{Name: "b"})
			b.Miss = "kernel died: Kernel panic"
			return []*judge.KernelRun{judgetest.Column(t, "a", "", pass), b}
		}, judge.ExitMiss},
		{"fail beats miss", func() []*judge.KernelRun {
			b := judge.NewKernelRun(&kernels.Kernel{Name: "b"})
			b.Miss = "hang"
			return []*judge.KernelRun{judgetest.Column(t, "a", "", pass, fail), b}
		}, judge.ExitFail},
		{"suite without report is a miss", func() []*judge.KernelRun {
			b := judgetest.Column(t, "b", "")
			b.SuiteMiss["open"] = "no report (suite exited 2)"
			return []*judge.KernelRun{judgetest.Column(t, "a", "", pass), b}
		}, judge.ExitMiss},
		{"spec missing on one kernel is a miss", func() []*judge.KernelRun {
			return []*judge.KernelRun{judgetest.Column(t, "a", "", pass), judgetest.Column(t, "b", "")}
		}, judge.ExitMiss},
		{"a result no run writes is no verdict", func() []*judge.KernelRun {
			a := judgetest.Column(t, "a", "", pass)
			a.Set(judge.Row{Suite: "open", Text: "forged"}, judge.Cell{Result: "<script>"})
			return []*judge.KernelRun{a}
		}, judge.ExitMiss},
	}
	for _, c := range cases {
		m := judge.NewMatrix("test", c.runs())
		if got := m.ExitCode(); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, got, c.want)
		}
	}
}

func TestMissCellsCarryTheCause(t *testing.T) {
	b := judge.NewKernelRun(&kernels.Kernel{Name: "broken"})
	b.Miss = "kernel died: Kernel panic - not syncing: VFS"
	b.ConsoleTail = "[    1.0] Kernel panic - not syncing: VFS"
	m := judge.NewMatrix("t", []*judge.KernelRun{judgetest.Column(t, "a", "", judgetest.Spec("passes", 1, types.SpecStatePassed, "")), b})
	for _, r := range m.Rows {
		if c := m.Cell(b, r); c.Result != judge.MISS || !strings.Contains(c.Reason, "Kernel panic") {
			t.Errorf("%s on broken: %+v", r.Key(), c)
		}
	}
}

func TestLSMIndependenceRow(t *testing.T) {
	p := judgetest.Spec("opens", 1, types.SpecStatePassed, "")
	f := judgetest.Spec("opens", 1, types.SpecStateFailed, "EACCES")
	same := judge.NewMatrix("t", []*judge.KernelRun{judgetest.Column(t, "lsm-none", "g", p), judgetest.Column(t, "lsm-selinux", "g", p), judgetest.Column(t, "other", "", f)})
	if same.Rows[len(same.Rows)-1].Key() != judge.LSMRow.Key() {
		t.Fatalf("no LSM row: %v", same.Rows)
	}
	if c := same.Cell(same.Kernels[1], judge.LSMRow); c.Result != judge.PASS {
		t.Errorf("identical verdicts: %+v", c)
	}
	if c := same.Cell(same.Kernels[2], judge.LSMRow); c.Result != judge.NA {
		t.Errorf("kernel outside the group: %+v", c)
	}
	diff := judge.NewMatrix("t", []*judge.KernelRun{judgetest.Column(t, "lsm-none", "g", p), judgetest.Column(t, "lsm-selinux", "g", f)})
	c := diff.Cell(diff.Kernels[1], judge.LSMRow)
	if c.Result != judge.FAIL || !strings.Contains(c.Reason, "open: pidfd_open(2) opens") {
		t.Errorf("differing verdicts: %+v", c)
	}
	for _, label := range []string{"needs:selinux-enforcing", "needs:landlock", "needs:yama"} {
		skipped := judgetest.Spec("opens", 1, types.SpecStateSkipped, "not in this LSM stack")
		skipped.LeafNodeLabels = []string{label}
		passed := p
		passed.LeafNodeLabels = skipped.LeafNodeLabels
		onlyThere := judge.NewMatrix("t", []*judge.KernelRun{judgetest.Column(t, "lsm-none", "g", skipped), judgetest.Column(t, "lsm-selinux", "g", passed)})
		if c := onlyThere.Cell(onlyThere.Kernels[1], judge.LSMRow); c.Result != judge.PASS {
			t.Errorf("a spec that applies under one stack only (%s) is no difference: %+v", label, c)
		}
	}
	// Any other spec that a stack turns from PASS into SKIP is judged on
	// less under that stack: a difference.
	lost := judge.NewMatrix("t", []*judge.KernelRun{judgetest.Column(t, "lsm-none", "g", p),
		judgetest.Column(t, "lsm-selinux", "g", judgetest.Spec("opens", 1, types.SpecStateSkipped, "requires pidfs"))})
	if c := lost.Cell(lost.Kernels[1], judge.LSMRow); c.Result != judge.FAIL || !strings.Contains(c.Reason, "lsm-none: PASS, here: SKIP") {
		t.Errorf("PASS under one stack, SKIP under another: %+v", c)
	}
	single := judge.NewMatrix("t", []*judge.KernelRun{judgetest.Column(t, "lsm-none", "g", p)})
	for _, r := range single.Rows {
		if r.Key() == judge.LSMRow.Key() {
			t.Error("LSM row with a single LSM kernel")
		}
	}
}

func TestRowsSortBySourceNotRunOrder(t *testing.T) {
	a := judgetest.Column(t, "a", "", judgetest.Spec("second", 20, types.SpecStatePassed, ""), judgetest.Spec("first", 10, types.SpecStatePassed, ""))
	m := judge.NewMatrix("t", []*judge.KernelRun{a})
	if m.Rows[1].Text != "pidfd_open(2) first" || m.Rows[2].Text != "pidfd_open(2) second" {
		t.Fatalf("rows: %v", m.Rows)
	}
}

// A suite that produced no report leaves no row behind, and still makes
// the run a MISS (exit 2), never a PASS.
func TestSuiteWithoutReportIsMiss(t *testing.T) {
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "k"})
	kr.Set(judge.BootRow, judge.Cell{Result: judge.PASS})
	kr.SuiteMiss["pidfs"] = "no report (suite exited 1)"
	if code := judge.NewMatrix("t", []*judge.KernelRun{kr}).ExitCode(); code != judge.ExitMiss {
		t.Errorf("ExitCode = %d, want %d (MISS)", code, judge.ExitMiss)
	}
}

// A suite that does not compile for i386 is MISS on the i386 kernel only;
// the amd64 kernels compiled it and ran its specs.
func TestBrokenSuiteIsMissOnItsArchOnly(t *testing.T) {
	amd64 := judgetest.Column(t, "amd64", "", judgetest.Spec("passes", 1, types.SpecStatePassed, ""))
	amd64.Kernel.Arch = "amd64"
	i386 := judge.NewKernelRun(&kernels.Kernel{Name: "i386", Arch: "386"})
	row := judge.Row{Suite: "signal", Text: judge.SuiteBuildsText}
	i386.Set(row, judge.Cell{Result: judge.MISS, Reason: "suite signal does not compile for 386"})
	m := judge.NewMatrix("t", []*judge.KernelRun{amd64, i386})
	if c := m.Cell(amd64, row); c.Result != judge.PASS {
		t.Errorf("amd64: %+v", c)
	}
	if c := m.Cell(i386, row); c.Result != judge.MISS {
		t.Errorf("i386: %+v", c)
	}
}

// A column the kernel cannot run (a compat column without IA32_EMULATION)
// is not booted: every row SKIPs with the config's reason, and the run
// passes.
func TestUnsupportedColumnSkipsEveryRow(t *testing.T) {
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "7.3+compat", Unsupported: "requires CONFIG_IA32_EMULATION, which is off"})
	kr.Suites = []string{"open"}
	m := judge.NewMatrix("t", []*judge.KernelRun{kr}, judge.Row{Suite: "open", Text: "pidfd_open(2) opens"})
	for _, r := range m.Rows {
		if c := m.Cell(kr, r); c.Result != judge.SKIP || c.Class != outcome.Config || !strings.Contains(c.Reason, "IA32_EMULATION") {
			t.Errorf("%s: %+v", r.Key(), c)
		}
	}
	if m.ExitCode() != judge.ExitOK {
		t.Errorf("exit %d", m.ExitCode())
	}
}

func TestLSMIndependenceWithinOneArchitecture(t *testing.T) {
	p := judgetest.Spec("opens", 1, types.SpecStatePassed, "")
	f := judgetest.Spec("opens", 1, types.SpecStateFailed, "EACCES")
	amd, arm := judgetest.Column(t, "lsm-none", "g", p), judgetest.Column(t, "lsm-selinux", "g", f)
	amd.Kernel.Arch, arm.Kernel.Arch = "amd64", "arm64"
	m := judge.NewMatrix("t", []*judge.KernelRun{amd, arm})
	// The arm64 column is the first of its architecture in the group: its
	// own reference, never compared with the amd64 one.
	if c := m.Cell(m.Kernels[1], judge.LSMRow); c.Result == judge.FAIL {
		t.Errorf("an arm64 column judged against an amd64 one: %+v", c)
	}
}
