package vm

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/ktap"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/kselftest"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// column is a judged column of two suites: open with a PASS and a SKIP,
// signal with a PASS.
func judgedColumn() *judge.KernelRun {
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "7.3.4+deb13-cloud-arm64", Arch: "arm64"})
	kr.Suites = []string{"open", "signal"}
	kr.Set(judge.Row{Suite: "open", Text: "pidfd_open(2) succeeds", ID: "open-ok"}, judge.Cell{Result: judge.PASS})
	kr.Set(judge.Row{Suite: "open", Text: "pidfd_open(2) needs root", ID: "open-root"}, judge.Cell{Result: judge.SKIP, Reason: "not root"})
	kr.Set(judge.Row{Suite: "signal", Text: "pidfd_send_signal(2) delivers"}, judge.Cell{Result: judge.PASS})
	return kr
}

// agreeing is what kunit_parser reads of a run with the column's verdicts.
func agreeing() *kselftestRun {
	open := &kselftest.Program{Passed: 1, Skipped: 1, Status: "SUCCESS", Results: map[string]string{
		ktap.Name("open", "open-ok", ""): "SUCCESS", ktap.Name("open", "open-root", ""): "SKIPPED"}}
	signal := &kselftest.Program{Passed: 1, Status: "SUCCESS", Results: map[string]string{
		ktap.Name("signal", "", "pidfd_send_signal(2) delivers"): "SUCCESS"}}
	return &kselftestRun{summary: kselftest.Summary{Programs: map[string]*kselftest.Program{"open": open, "signal": signal}}}
}

func TestKselftestCellPassesOnlyAnAgreeingCleanRun(t *testing.T) {
	cell, diffs := kselftestCell(judgedColumn(), agreeing())
	if cell.Result != judge.PASS || len(diffs) != 0 || !strings.Contains(cell.Reason, "2 programs, 3 specs") {
		t.Errorf("agreeing run: %+v %v", cell, diffs)
	}
}

// Every way the labs' runner can disagree with the column is MISS with
// the difference named: a harness result, never a kernel FAIL.
func TestKselftestCellNamesEveryDifference(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(*judge.KernelRun, *kselftestRun)
		want   string
	}{
		"a spec missing": {func(_ *judge.KernelRun, r *kselftestRun) {
			delete(r.summary.Programs["open"].Results, ktap.Name("open", "open-root", ""))
			r.summary.Programs["open"].Skipped = 0
		}, "pidfd.open.open-root (SKIP in the column) is not in its KTAP"},
		"another verdict": {func(_ *judge.KernelRun, r *kselftestRun) {
			r.summary.Programs["open"].Results[ktap.Name("open", "open-root", "")] = "SUCCESS"
		}, "pidfd.open.open-root is SUCCESS in its KTAP, SKIP in the column"},
		"an extra spec": {func(_ *judge.KernelRun, r *kselftestRun) {
			r.summary.Programs["signal"].Results["pidfd.signal.new"] = "SUCCESS"
		}, "its KTAP has pidfd.signal.new (SUCCESS), the column does not"},
		"a program missing": {func(_ *judge.KernelRun, r *kselftestRun) { delete(r.summary.Programs, "signal") },
			"program signal: not in run_kselftest.sh's output"},
		"a program the image lacks": {func(_ *judge.KernelRun, r *kselftestRun) { r.summary.Programs["poll"] = &kselftest.Program{} },
			"program poll: run_kselftest.sh ran it"},
		"cases the plan promised": {func(_ *judge.KernelRun, r *kselftestRun) { r.summary.Programs["open"].Crashed = 2 },
			"found 2 missing cases"},
		"other counts": {func(_ *judge.KernelRun, r *kselftestRun) { r.summary.Programs["open"].Passed = 5 },
			"counted 5 passed, 1 skipped, 0 failed; the column 1, 1, 0"},
		"a column MISS": {func(kr *judge.KernelRun, _ *kselftestRun) {
			kr.Set(judge.Row{Suite: "open", Text: "pidfd_open(2) succeeds", ID: "open-ok"}, judge.Cell{Result: judge.MISS, Reason: "no report"})
		}, "has no verdict in the column's own run"},
		"a suite the column missed": {func(kr *judge.KernelRun, _ *kselftestRun) { kr.SuiteMiss["signal"] = "no report" },
			"program signal: the column's own run has no verdicts"},
		"exit 1 without a FAIL": {func(_ *judge.KernelRun, r *kselftestRun) { r.end.Exit = 1 },
			"exit code does not follow"},
	} {
		kr, run := judgedColumn(), agreeing()
		tc.change(kr, run)
		cell, diffs := kselftestCell(kr, run)
		if cell.Result != judge.MISS || !strings.Contains(cell.Reason+strings.Join(diffs, "\n"), tc.want) {
			t.Errorf("%s: %s %q %v, want MISS naming %q", name, cell.Result, cell.Reason, diffs, tc.want)
		}
	}
}

// The same FAILs under the labs' runner, which then exits 1, are FAIL:
// the kernel is wrong either way.
func TestKselftestCellFailsWithTheColumnsFails(t *testing.T) {
	kr, run := judgedColumn(), agreeing()
	kr.Set(judge.Row{Suite: "signal", Text: "pidfd_send_signal(2) delivers"}, judge.Cell{Result: judge.FAIL})
	p := run.summary.Programs["signal"]
	p.Passed, p.Failed = 0, 1
	p.Results[ktap.Name("signal", "", "pidfd_send_signal(2) delivers")] = "FAILURE"
	run.end.Exit = 1
	if cell, diffs := kselftestCell(kr, run); cell.Result != judge.FAIL || len(diffs) != 0 {
		t.Errorf("same FAIL, exit 1: %+v %v", cell, diffs)
	}
	run.end.Exit = 0
	if cell, _ := kselftestCell(kr, run); cell.Result != judge.MISS {
		t.Errorf("same FAIL, exit 0: %+v, want MISS", cell)
	}
}

func TestKselftestCellOfARunWithoutResultIsMiss(t *testing.T) {
	cell, _ := kselftestCell(judgedColumn(), &kselftestRun{note: "its VM ended early: killed"})
	if cell.Result != judge.MISS || cell.Reason != "its VM ended early: killed" {
		t.Errorf("%+v", cell)
	}
}

// stream is a guest's result stream holding frames, complete with EXIT.
func stream(t *testing.T, frames map[string][]byte) *frame.Stream {
	t.Helper()
	var b bytes.Buffer
	for name, data := range frames {
		if err := frame.WriteGzip(&b, name, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := frame.WriteExit(&b, 0); err != nil {
		t.Fatal(err)
	}
	return frame.Read(&b)
}

func endJSON(t *testing.T, end frame.KselftestRun) []byte {
	t.Helper()
	b, err := json.Marshal(end)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestKselftestOutputFromTheGuestsStream(t *testing.T) {
	ktapText := []byte("TAP version 13\n1..1\n# selftests: pidfdconf: open\nok 1 selftests: pidfdconf: open\n")
	out, end, note := kselftestOutput(stream(t, map[string][]byte{
		frame.KselftestOutput: ktapText, frame.KselftestEnd: endJSON(t, frame.KselftestRun{Exit: 0, Seconds: 84})}))
	if note != "" || !bytes.Equal(out, ktapText) || end.Seconds != 84 {
		t.Errorf("complete stream: %q %+v %q", out, end, note)
	}
	for name, frames := range map[string]map[string][]byte{
		"no output":  {frame.KselftestEnd: endJSON(t, frame.KselftestRun{})},
		"no end":     {frame.KselftestOutput: ktapText},
		"budget":     {frame.KselftestOutput: ktapText, frame.KselftestEnd: endJSON(t, frame.KselftestRun{Exit: -1, Error: "stopped at the guest's budget of 20m0s"})},
		"truncated":  {frame.KselftestOutput: ktapText, frame.KselftestEnd: endJSON(t, frame.KselftestRun{Truncated: true})},
		"unreadable": {frame.KselftestOutput: ktapText, frame.KselftestEnd: []byte("{")},
	} {
		if _, _, note := kselftestOutput(stream(t, frames)); note == "" {
			t.Errorf("%s: no note, want why there is nothing to judge", name)
		}
	}
}

// Bad input stops the run before anything is built, with the fix.
func TestCheckKselftestRefusesBadInput(t *testing.T) {
	arm64 := &kernels.Kernel{Name: "arm64", Arch: "arm64", Spec: kernels.KernelSpec{Kind: kernels.KindApt}}
	compat := &kernels.Kernel{Name: "compat", Arch: "386", KernelArch: "amd64", Spec: kernels.KernelSpec{Kind: kernels.KindApt}}
	host := &kernels.Kernel{Name: "host", Arch: "amd64", Spec: kernels.KernelSpec{Kind: kernels.KindHost}}
	for name, tc := range map[string]struct {
		cfg  RunConfig
		ks   []*kernels.Kernel
		want string
	}{
		"unknown ARCH":       {RunConfig{Kselftest: true, KselftestArch: "riscv64"}, []*kernels.Kernel{arm64}, "x86_64, i386 and arm64"},
		"mismatching column": {RunConfig{Kselftest: true, KselftestArch: "i386"}, []*kernels.Kernel{compat, arm64}, "column arm64 runs arm64 programs"},
		"host only":          {RunConfig{Kselftest: true}, []*kernels.Kernel{host}, "runs in VMs only"},
		"ARCH alone":         {RunConfig{KselftestArch: "arm64"}, []*kernels.Kernel{arm64}, "add -kselftest"},
	} {
		if err := checkKselftest(tc.cfg, tc.ks); !setup.IsError(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a setup error naming %q", name, err, tc.want)
		}
	}
	for _, cfg := range []RunConfig{{Kselftest: true}, {Kselftest: true, KselftestArch: "arm64"}, {}} {
		if err := checkKselftest(cfg, []*kernels.Kernel{host, arm64}); err != nil {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}
