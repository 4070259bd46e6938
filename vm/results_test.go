package vm

import (
	"bytes"
	"encoding/json"
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

// guestStream is what the guest sends for suites open and poll.
func guestStream(t *testing.T) *frame.Stream {
	t.Helper()
	var b bytes.Buffer
	info, _ := json.Marshal(frame.GuestInfo{Release: "6.1.192", Suites: []string{"open", "poll"}, UptimeAtInit: 1.5})
	frame.WriteGzip(&b, frame.InfoName, info)
	for _, s := range []string{"open", "poll"} {
		frame.WriteGzip(&b, s+"/report.json", reportJSON(t, spec(s+" works", 1, types.SpecStatePassed, "")))
		run, _ := json.Marshal(frame.SuiteRun{Suite: s, Seconds: 2})
		frame.Write(&b, s+"/run.json", run)
	}
	frame.WriteExit(&b, 0)
	return frame.Read(&b)
}

func TestDecodeCompleteStream(t *testing.T) {
	kr := newKernelRun(&Kernel{Name: "6.1"})
	kr.DecodeStream(guestStream(t))
	m := NewMatrix("t", []*KernelRun{kr})
	if m.ExitCode() != ExitOK || len(kr.Cells) != 2 || kr.Boot.Seconds() != 1.5 || kr.Suite.Seconds() != 4 {
		t.Fatalf("exit %d cells %v boot %v suites %v", m.ExitCode(), kr.Cells, kr.Boot, kr.Suite)
	}
}

func TestDecodeTruncatedStreamIsMiss(t *testing.T) {
	var b bytes.Buffer
	info, _ := json.Marshal(frame.GuestInfo{Release: "6.1.192", Suites: []string{"open", "poll"}})
	frame.WriteGzip(&b, frame.InfoName, info)
	frame.WriteGzip(&b, "open/report.json", reportJSON(t, spec("open works", 1, types.SpecStatePassed, "")))
	// The VM died while poll's report was on the wire.
	var poll bytes.Buffer
	frame.WriteGzip(&poll, "poll/report.json", reportJSON(t, spec("poll works", 1, types.SpecStatePassed, "")))
	b.Write(poll.Bytes()[:poll.Len()/2])

	kr := newKernelRun(&Kernel{Name: "6.1"})
	kr.DecodeStream(frame.Read(&b))
	other := newKernelRun(&Kernel{Name: "6.12"})
	other.DecodeStream(guestStream(t))
	m := NewMatrix("t", []*KernelRun{other, kr})

	if c := m.Cell(kr, Row{Suite: "open", Text: "pidfd_open(2) open works"}); c.Result != PASS {
		t.Errorf("report that arrived whole was dropped: %+v", c)
	}
	if c := m.Cell(kr, Row{Suite: "poll", Text: "pidfd_open(2) poll works"}); c.Result != MISS {
		t.Errorf("truncated suite: %+v", c)
	}
	if c := m.Cell(kr, BootRow); c.Result != MISS || !strings.Contains(c.Reason, "truncated") {
		t.Errorf("boot row: %+v", c)
	}
	if m.ExitCode() != ExitMiss {
		t.Errorf("exit %d", m.ExitCode())
	}
}

func TestDecodeEmptyStreamIsKernelMiss(t *testing.T) {
	kr := newKernelRun(&Kernel{Name: "broken"})
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
	kr := newKernelRun(&Kernel{Name: "6.1"})
	kr.DecodeStream(frame.Read(&b))
	if why := kr.SuiteMiss["open"]; why != "no report (suite exited -1: signal: killed)" {
		t.Errorf("%q", why)
	}
}
