package vm

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// spec builds a Ginkgo spec report the way the JSON reporter writes it.
func spec(text string, line int, state types.SpecState, msg string) types.SpecReport {
	return types.SpecReport{
		ContainerHierarchyTexts: []string{"pidfd_open(2)"},
		LeafNodeType:            types.NodeTypeIt,
		LeafNodeText:            text,
		LeafNodeLocation:        types.CodeLocation{FileName: "/src/suites/open/pidfd_open_test.go", LineNumber: line},
		State:                   state,
		Failure:                 types.Failure{Message: msg},
		RunTime:                 10 * time.Millisecond,
	}
}

func reportJSON(t *testing.T, specs ...types.SpecReport) []byte {
	t.Helper()
	b, err := json.Marshal([]types.Report{{SuiteDescription: "open", SpecReports: specs}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func kernelRun(t *testing.T, name, group string, specs ...types.SpecReport) *KernelRun {
	t.Helper()
	kr := newKernelRun(&Kernel{Name: name, Spec: KernelSpec{Raw: "apt:" + name, Kind: KindApt}, LSMGroup: group})
	kr.Info = &frame.GuestInfo{Release: name + ".0", Suites: []string{"open"}}
	if err := kr.AddReport("open", reportJSON(t, specs...)); err != nil {
		t.Fatal(err)
	}
	return kr
}

func TestSpecStatesMapToResults(t *testing.T) {
	kr := kernelRun(t, "6.12", "",
		spec("passes", 1, types.SpecStatePassed, ""),
		spec("skips", 2, types.SpecStateSkipped, "requires PIDFD_THREAD (since v6.9); running 6.1.0"),
		spec("fails", 3, types.SpecStateFailed, "Expected EINVAL"),
		spec("panics", 4, types.SpecStatePanicked, "boom"),
		spec("times out", 5, types.SpecStateTimedout, "A spec timeout occurred"),
		spec("is pending", 6, types.SpecStatePending, ""),
	)
	want := map[string]Cell{
		"passes":     {Result: PASS},
		"skips":      {Result: SKIP, Reason: "requires PIDFD_THREAD (since v6.9); running 6.1.0"},
		"fails":      {Result: FAIL, Reason: "Expected EINVAL"},
		"panics":     {Result: FAIL},
		"times out":  {Result: TIMEOUT},
		"is pending": {Result: SKIP, Reason: "pending"},
	}
	for text, w := range want {
		c, ok := kr.Cells["open: pidfd_open(2) "+text]
		if !ok {
			t.Errorf("no cell for %q; have %v", text, kr.Cells)
			continue
		}
		if c.Result != w.Result || (w.Reason != "" && c.Reason != w.Reason) {
			t.Errorf("%s: got %+v want %+v", text, c, w)
		}
	}
}

func TestSuiteLevelFailureBecomesARow(t *testing.T) {
	bs := types.SpecReport{LeafNodeType: types.NodeTypeBeforeSuite, State: types.SpecStateFailed, Failure: types.Failure{Message: "no pidfd support"}}
	ok := types.SpecReport{LeafNodeType: types.NodeTypeBeforeSuite, State: types.SpecStatePassed}
	kr := kernelRun(t, "k", "", bs, ok)
	if c := kr.Cells["open: [BeforeSuite]"]; c.Result != FAIL || c.Reason != "no pidfd support" {
		t.Fatalf("BeforeSuite row: %+v (cells %v)", c, kr.Cells)
	}
	if len(kr.Cells) != 1 {
		t.Fatalf("passing suite nodes must not become rows: %v", kr.Cells)
	}
}

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
	if txt := TextReport(m); !strings.Contains(txt, "console tail of broken") || !strings.Contains(txt, "| [    1.0] Kernel panic") {
		t.Errorf("text report lacks the console tail:\n%s", txt)
	}
}

func TestExpectations(t *testing.T) {
	exps, err := ParseExpectations("# comment\n6.1.* | open: pidfd_open(2) fails* | BUG-1\n* | open: * passes | BUG-2\n")
	if err != nil || len(exps) != 2 {
		t.Fatalf("%v %v", exps, err)
	}
	if _, err := ParseExpectations("just one field"); err == nil {
		t.Fatal("malformed line accepted")
	}
	kr := kernelRun(t, "6.1.0-56", "", spec("passes", 1, types.SpecStatePassed, ""), spec("fails", 2, types.SpecStateFailed, "x"))
	other := kernelRun(t, "6.12", "", spec("passes", 1, types.SpecStatePassed, ""), spec("fails", 2, types.SpecStateFailed, "x"))
	ApplyExpectations(kr, exps)
	ApplyExpectations(other, exps)
	if c := kr.Cells["open: pidfd_open(2) fails"]; c.Result != XFAIL || c.ID != "BUG-1" {
		t.Errorf("expected failure: %+v", c)
	}
	if c := other.Cells["open: pidfd_open(2) fails"]; c.Result != FAIL {
		t.Errorf("expectation leaked to another kernel: %+v", c)
	}
	if c := kr.Cells["open: pidfd_open(2) passes"]; c.Result != XPASS || c.ID != "BUG-2" {
		t.Errorf("stale expectation: %+v", c)
	}
	m := NewMatrix("t", []*KernelRun{kr})
	if m.ExitCode() != ExitOK {
		t.Errorf("XFAIL/XPASS not strict: exit %d", m.ExitCode())
	}
	m.Strict = true
	if m.ExitCode() != ExitFail {
		t.Errorf("XPASS strict: exit %d", m.ExitCode())
	}
	if _, err := DefaultExpectations(); err != nil {
		t.Errorf("vm/expectations.txt: %v", err)
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

func TestReportsAreWritten(t *testing.T) {
	dir := t.TempDir()
	kr := kernelRun(t, "6.1", "", spec("passes", 1, types.SpecStatePassed, ""), spec("skips <html>", 2, types.SpecStateSkipped, "needs root"))
	kr.Dir = filepath.Join(dir, "6.1")
	os.MkdirAll(kr.Dir, 0o755)
	m := NewMatrix("t", []*KernelRun{kr})
	if err := writeKernelReports(m, kr); err != nil {
		t.Fatal(err)
	}
	if err := writeMatrixReports(m, dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"matrix.txt", "matrix.md", "matrix.json", "matrix.html", "junit.xml", "6.1/report.json", "6.1/junit.xml", "6.1/ktap.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, "matrix.html"))
	if !bytes.Contains(html, []byte(`title="needs root"`)) || bytes.Contains(html, []byte("<html>\"")) {
		t.Errorf("html lacks the skip reason or is unescaped")
	}
	k, _ := os.ReadFile(filepath.Join(dir, "6.1/ktap.txt"))
	if !bytes.Contains(k, []byte("# SKIP needs root")) || !bytes.HasPrefix(k, []byte("KTAP version 1")) {
		t.Errorf("ktap:\n%s", k)
	}
}
