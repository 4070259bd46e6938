package vm

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

func TestMatrixExitCodes(t *testing.T) {
	pass := spec("passes", 1, types.SpecStatePassed, "")
	fail := spec("fails", 2, types.SpecStateFailed, "nope")
	cases := []struct {
		name string
		runs func() []*KernelRun
		want int
	}{
		{"all pass", func() []*KernelRun { return []*KernelRun{kernelRun(t, "a", "", pass)} }, ExitOK},
		{"a fail", func() []*KernelRun { return []*KernelRun{kernelRun(t, "a", "", pass, fail)} }, ExitFail},
		{"a miss", func() []*KernelRun {
			b := newKernelRun(&Kernel{Name: "b"})
			b.Miss = "kernel died: Kernel panic"
			return []*KernelRun{kernelRun(t, "a", "", pass), b}
		}, ExitMiss},
		{"fail beats miss", func() []*KernelRun {
			b := newKernelRun(&Kernel{Name: "b"})
			b.Miss = "hang"
			return []*KernelRun{kernelRun(t, "a", "", pass, fail), b}
		}, ExitFail},
		{"suite without report is a miss", func() []*KernelRun {
			b := kernelRun(t, "b", "")
			b.SuiteMiss["open"] = "no report (suite exited 2)"
			return []*KernelRun{kernelRun(t, "a", "", pass), b}
		}, ExitMiss},
		{"spec missing on one kernel is a miss", func() []*KernelRun {
			return []*KernelRun{kernelRun(t, "a", "", pass), kernelRun(t, "b", "")}
		}, ExitMiss},
	}
	for _, c := range cases {
		m := NewMatrix("test", c.runs())
		if got := m.ExitCode(); got != c.want {
			t.Errorf("%s: exit %d, want %d\n%s", c.name, got, c.want, TextReport(m))
		}
	}
}

func TestMissCellsCarryTheCause(t *testing.T) {
	b := newKernelRun(&Kernel{Name: "broken"})
	b.Miss = "kernel died: Kernel panic - not syncing: VFS"
	b.ConsoleTail = "[    1.0] Kernel panic - not syncing: VFS"
	m := NewMatrix("t", []*KernelRun{kernelRun(t, "a", "", spec("passes", 1, types.SpecStatePassed, "")), b})
	for _, r := range m.Rows {
		if c := m.Cell(b, r); c.Result != MISS || !strings.Contains(c.Reason, "Kernel panic") {
			t.Errorf("%s on broken: %+v", r.Key(), c)
		}
	}
}

func TestLSMIndependenceRow(t *testing.T) {
	p := spec("opens", 1, types.SpecStatePassed, "")
	f := spec("opens", 1, types.SpecStateFailed, "EACCES")
	same := NewMatrix("t", []*KernelRun{kernelRun(t, "lsm-none", "g", p), kernelRun(t, "lsm-selinux", "g", p), kernelRun(t, "other", "", f)})
	if same.Rows[len(same.Rows)-1].Key() != LSMRow.Key() {
		t.Fatalf("no LSM row: %v", same.Rows)
	}
	if c := same.Cell(same.Kernels[1], LSMRow); c.Result != PASS {
		t.Errorf("identical verdicts: %+v", c)
	}
	if c := same.Cell(same.Kernels[2], LSMRow); c.Result != NA {
		t.Errorf("kernel outside the group: %+v", c)
	}
	diff := NewMatrix("t", []*KernelRun{kernelRun(t, "lsm-none", "g", p), kernelRun(t, "lsm-selinux", "g", f)})
	c := diff.Cell(diff.Kernels[1], LSMRow)
	if c.Result != FAIL || !strings.Contains(c.Reason, "open: pidfd_open(2) opens") {
		t.Errorf("differing verdicts: %+v", c)
	}
	skipped := spec("opens", 1, types.SpecStateSkipped, "SELinux not enforcing")
	onlyThere := NewMatrix("t", []*KernelRun{kernelRun(t, "lsm-none", "g", skipped), kernelRun(t, "lsm-selinux", "g", p)})
	if c := onlyThere.Cell(onlyThere.Kernels[1], LSMRow); c.Result != PASS {
		t.Errorf("a spec that applies under one stack only is no difference: %+v", c)
	}
	single := NewMatrix("t", []*KernelRun{kernelRun(t, "lsm-none", "g", p)})
	for _, r := range single.Rows {
		if r.Key() == LSMRow.Key() {
			t.Error("LSM row with a single LSM kernel")
		}
	}
}

func TestRowsSortBySourceNotRunOrder(t *testing.T) {
	a := kernelRun(t, "a", "", spec("second", 20, types.SpecStatePassed, ""), spec("first", 10, types.SpecStatePassed, ""))
	m := NewMatrix("t", []*KernelRun{a})
	if m.Rows[1].Text != "pidfd_open(2) first" || m.Rows[2].Text != "pidfd_open(2) second" {
		t.Fatalf("rows: %v", m.Rows)
	}
}

// A suite that produced no report leaves no row behind, and still makes
// the run a MISS (exit 2), never a PASS.
func TestSuiteWithoutReportIsMiss(t *testing.T) {
	kr := newKernelRun(&Kernel{Name: "k"})
	kr.set(BootRow, Cell{Result: PASS})
	kr.SuiteMiss["pidfs"] = "no report (suite exited 1)"
	if code := NewMatrix("t", []*KernelRun{kr}).ExitCode(); code != ExitMiss {
		t.Errorf("ExitCode = %d, want %d (MISS)", code, ExitMiss)
	}
}

// A suite that does not compile for i386 is MISS on the i386 kernel only;
// the amd64 kernels compiled it and ran its specs.
func TestBrokenSuiteIsMissOnItsArchOnly(t *testing.T) {
	amd64 := kernelRun(t, "amd64", "", spec("passes", 1, types.SpecStatePassed, ""))
	amd64.Kernel.Arch = "amd64"
	i386 := newKernelRun(&Kernel{Name: "i386", Arch: "386"})
	row := Row{Suite: "signal", Text: suiteBuildsText}
	i386.set(row, Cell{Result: MISS, Reason: "suite signal does not compile for 386"})
	m := NewMatrix("t", []*KernelRun{amd64, i386})
	if c := m.Cell(amd64, row); c.Result != PASS {
		t.Errorf("amd64: %+v", c)
	}
	if c := m.Cell(i386, row); c.Result != MISS {
		t.Errorf("i386: %+v", c)
	}
}
