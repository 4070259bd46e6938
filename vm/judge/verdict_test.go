package judge_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
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
	kr := column("6.1", "open", "poll")
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

	kr := column("6.1", "open", "poll")
	kr.DecodeStream(frame.Read(&b))
	other := column("6.12", "open", "poll")
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
	kr := column("broken", "open")
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
	kr := column("6.1", "open", "poll")
	kr.DecodeStream(frame.Read(&b))
	if why := kr.SuiteMiss["open"]; why != "no report (suite exited -1: signal: killed)" {
		t.Errorf("%q", why)
	}
}

// column is an empty column of kernel name whose image carries suites.
func column(name string, suites ...string) *judge.KernelRun {
	kr := judge.NewKernelRun(&kernels.Kernel{Name: name})
	kr.Suites = suites
	return kr
}

// withEntry is sr with a report entry as a spec's AddReportEntry leaves it
// in the JSON report.
func withEntry(sr types.SpecReport, name, value string) types.SpecReport {
	sr.ReportEntries = append(sr.ReportEntries, types.ReportEntry{Name: name, Value: types.WrapEntryValue(value)})
	return sr
}

// A SKIP carries the class its spec gave it; a skip with no reason is a
// spec the suite never reached (Ginkgo writes the specs after a suite's
// deadline so), and a spec that could not stage its setup has no verdict.
func TestSkipClassesAndSpecsWithoutAVerdict(t *testing.T) {
	kr := judgetest.Column(t, "7.3", "",
		withEntry(judgetest.Spec("skips for config", 1, types.SpecStateSkipped, "requires CONFIG_TIME_NS, which is off"), outcome.SkipClassEntry, "config"),
		judgetest.Spec("skips unclassed", 2, types.SpecStateSkipped, "needs root"),
		withEntry(judgetest.Spec("skips oddly", 3, types.SpecStateSkipped, "x"), outcome.SkipClassEntry, "whim"),
		judgetest.Spec("was not reached", 4, types.SpecStateSkipped, ""),
		withEntry(judgetest.Spec("could not stage", 5, types.SpecStateFailed, "ns_last_pid: EINVAL"), outcome.UnstageableEntry, "ns_last_pid: EINVAL"),
	)
	for text, want := range map[string]judge.Cell{
		"skips for config": {Result: judge.SKIP, Class: outcome.Config},
		"skips unclassed":  {Result: judge.SKIP, Class: judge.Unclassified},
		"skips oddly":      {Result: judge.SKIP, Class: judge.Unclassified},
		"was not reached":  {Result: judge.MISS, Reason: "not run: the suite stopped before this spec (its deadline, an interrupt or a failed setup)"},
		"could not stage":  {Result: judge.MISS, Reason: "could not be staged: ns_last_pid: EINVAL"},
	} {
		c := kr.Cells["open: pidfd_open(2) "+text]
		if c.Result != want.Result || c.Class != want.Class || (want.Reason != "" && c.Reason != want.Reason) {
			t.Errorf("%s: %+v, want %+v", text, c, want)
		}
	}
	if code := judge.NewMatrix("t", []*judge.KernelRun{kr}).ExitCode(); code != judge.ExitMiss {
		t.Errorf("exit %d, want %d (a spec without a verdict)", code, judge.ExitMiss)
	}
}

// The suites to judge come from the image, never from the guest: a guest
// that reports none leaves every expected suite MISS, and one that claims
// a suite its image does not hold is not believed at all.
func TestExpectedSuitesComeFromTheImage(t *testing.T) {
	stream := func(suites ...string) *frame.Stream {
		var b bytes.Buffer
		info, _ := json.Marshal(frame.GuestInfo{Release: "7.3.4", Suites: suites})
		frame.Write(&b, frame.InfoName, info)
		frame.WriteExit(&b, 0)
		return frame.Read(&b)
	}
	silent := column("7.3", "open", "poll")
	silent.DecodeStream(stream())
	if len(silent.SuiteMiss) != 2 || !strings.Contains(silent.SuiteMiss["open"], "did not send") {
		t.Errorf("suite MISS %v, want open and poll", silent.SuiteMiss)
	}
	m := judge.NewMatrix("t", []*judge.KernelRun{silent}, judge.Row{Suite: "open", Text: "pidfd_open(2) works"})
	if c := m.Cell(silent, judge.Row{Suite: "open", Text: "pidfd_open(2) works"}); c.Result != judge.MISS || m.ExitCode() != judge.ExitMiss {
		t.Errorf("expected spec on a silent guest: %+v, exit %d", c, m.ExitCode())
	}
	liar := column("7.3", "open")
	liar.DecodeStream(stream("open", "rootkit"))
	if c := liar.Cells[judge.BootRow.Key()]; c.Result != judge.MISS || !strings.Contains(c.Reason, "rootkit") {
		t.Errorf("boot row of a guest claiming a suite it was not given: %+v", c)
	}
}
