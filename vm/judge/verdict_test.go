package judge_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

func TestSpecStatesMapToResults(t *testing.T) {
	kr := judgetest.Column(t, "6.12", "",
		judgetest.Spec("passes", 1, types.SpecStatePassed, ""),
		judgetest.Spec("skips", 2, types.SpecStateSkipped, "requires PIDFD_THREAD (since v6.9); running 6.1.0"),
		judgetest.Spec("fails", 3, types.SpecStateFailed, "Expected EINVAL"),
		judgetest.Spec("panics", 4, types.SpecStatePanicked, "boom"),
		judgetest.Spec("times out", 5, types.SpecStateTimedout, "A spec timeout occurred"),
		judgetest.Spec("is pending", 6, types.SpecStatePending, ""),
	)
	want := map[string]judge.Cell{
		"passes":     {Result: judge.PASS},
		"skips":      {Result: judge.SKIP, Reason: "requires PIDFD_THREAD (since v6.9); running 6.1.0"},
		"fails":      {Result: judge.FAIL, Reason: "Expected EINVAL"},
		"panics":     {Result: judge.FAIL},
		"times out":  {Result: judge.TIMEOUT},
		"is pending": {Result: judge.SKIP, Reason: "pending"},
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
	kr := judgetest.Column(t, "k", "", bs, ok)
	if c := kr.Cells["open: [BeforeSuite]"]; c.Result != judge.FAIL || c.Reason != "no pidfd support" {
		t.Fatalf("BeforeSuite row: %+v (cells %v)", c, kr.Cells)
	}
	if len(kr.Cells) != 1 {
		t.Fatalf("passing suite nodes must not become rows: %v", kr.Cells)
	}
}

// guestStream is what the guest sends for suites open and poll.
func guestStream(t *testing.T) *frame.Stream {
	t.Helper()
	var b bytes.Buffer
	info, _ := json.Marshal(frame.GuestInfo{Release: "6.1.192", Suites: []string{"open", "poll"}, UptimeAtInit: 1.5})
	frame.WriteGzip(&b, frame.InfoName, info)
	for _, s := range []string{"open", "poll"} {
		frame.WriteGzip(&b, s+"/report.json", judgetest.ReportJSON(t, judgetest.Spec(s+" works", 1, types.SpecStatePassed, "")))
		run, _ := json.Marshal(frame.SuiteRun{Suite: s, Seconds: 2})
		frame.Write(&b, s+"/run.json", run)
	}
	frame.WriteExit(&b, 0)
	return frame.Read(&b)
}

func TestDecodeCompleteStream(t *testing.T) {
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "6.1"})
	kr.DecodeStream(guestStream(t))
	m := judge.NewMatrix("t", []*judge.KernelRun{kr})
	if m.ExitCode() != judge.ExitOK || len(kr.Cells) != 2 || kr.Boot.Seconds() != 1.5 || kr.Suite.Seconds() != 4 {
		t.Fatalf("exit %d cells %v boot %v suites %v", m.ExitCode(), kr.Cells, kr.Boot, kr.Suite)
	}
}

func TestDecodeTruncatedStreamIsMiss(t *testing.T) {
	var b bytes.Buffer
	info, _ := json.Marshal(frame.GuestInfo{Release: "6.1.192", Suites: []string{"open", "poll"}})
	frame.WriteGzip(&b, frame.InfoName, info)
	frame.WriteGzip(&b, "open/report.json", judgetest.ReportJSON(t, judgetest.Spec("open works", 1, types.SpecStatePassed, "")))
	// The VM died while poll's report was on the wire.
	var poll bytes.Buffer
	frame.WriteGzip(&poll, "poll/report.json", judgetest.ReportJSON(t, judgetest.Spec("poll works", 1, types.SpecStatePassed, "")))
	b.Write(poll.Bytes()[:poll.Len()/2])

	kr := judge.NewKernelRun(&kernels.Kernel{Name: "6.1"})
	kr.DecodeStream(frame.Read(&b))
	other := judge.NewKernelRun(&kernels.Kernel{Name: "6.12"})
	other.DecodeStream(guestStream(t))
	m := judge.NewMatrix("t", []*judge.KernelRun{other, kr})

	if c := m.Cell(kr, judge.Row{Suite: "open", Text: "pidfd_open(2) open works"}); c.Result != judge.PASS {
		t.Errorf("report that arrived whole was dropped: %+v", c)
	}
	if c := m.Cell(kr, judge.Row{Suite: "poll", Text: "pidfd_open(2) poll works"}); c.Result != judge.MISS {
		t.Errorf("truncated suite: %+v", c)
	}
	if c := m.Cell(kr, judge.BootRow); c.Result != judge.MISS || !strings.Contains(c.Reason, "truncated") {
		t.Errorf("boot row: %+v", c)
	}
	if m.ExitCode() != judge.ExitMiss {
		t.Errorf("exit %d", m.ExitCode())
	}
}

func TestDecodeEmptyStreamIsKernelMiss(t *testing.T) {
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "broken"})
	kr.DecodeStream(frame.Read(strings.NewReader("")))
	if kr.Miss == "" {
		t.Fatal("no frames at all must mark the kernel MISS")
	}
}

func TestDecodeSuiteWithoutReportNamesHowItEnded(t *testing.T) {
	var b bytes.Buffer
	info, _ := json.Marshal(frame.GuestInfo{Release: "6.1.192", Suites: []string{"open"}})
	frame.WriteGzip(&b, frame.InfoName, info)
	run, _ := json.Marshal(frame.SuiteRun{Suite: "open", Exit: -1, Error: "signal: killed"})
	frame.Write(&b, "open/run.json", run)
	frame.WriteExit(&b, 1)
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "6.1"})
	kr.DecodeStream(frame.Read(&b))
	if why := kr.SuiteMiss["open"]; why != "no report (suite exited -1: signal: killed)" {
		t.Errorf("%q", why)
	}
}
