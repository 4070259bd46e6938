package vm

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/selftests"
	"github.com/pidfdconf/pidfdconf/internal/specid"
	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// Result is one verdict of a matrix cell: PASS, FAIL, SKIP, TIMEOUT, MISS, XFAIL or XPASS.
type Result string

const (
	PASS    Result = "PASS"
	FAIL    Result = "FAIL"
	SKIP    Result = "SKIP"
	XFAIL   Result = "XFAIL"
	XPASS   Result = "XPASS"
	TIMEOUT Result = "TIMEOUT"
	MISS    Result = "MISS"
	// NA marks a row that does not apply to a kernel (LSM-independence on a
	// kernel outside any LSM group).
	NA Result = ""
)

// Cell is one spec on one kernel.
type Cell struct {
	Result   Result  `json:"result"`
	Reason   string  `json:"reason,omitempty"` // skip reason, failure message, cause of a MISS
	ID       string  `json:"id,omitempty"`     // expectations entry behind XFAIL/XPASS
	Location string  `json:"location,omitempty"`
	Seconds  float64 `json:"seconds,omitempty"`
}

// Row is one line of the matrix: a spec of a suite, or a runner row.
type Row struct {
	Suite string `json:"suite"`
	Text  string `json:"text"`
	// ID is the spec's stable ID (helpers.ID): its KTAP name and its key
	// in a baseline comparison. Runner rows have none.
	ID     string   `json:"id,omitempty"`
	Labels []string `json:"labels,omitempty"`
	// Mirrors and Since of the spec, from the spec catalogue: what kernel
	// CI tools show beside a verdict (the selftest it mirrors, the kernel
	// release that introduced the behaviour).
	Mirrors string `json:"mirrors,omitempty"`
	Since   string `json:"since,omitempty"`
	// File and Line of the spec: rows sort by them, because Ginkgo
	// randomises the run order and the matrix must not reshuffle.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Key identifies the row across kernels.
func (r Row) Key() string {
	if r.Suite == "" {
		return r.Text
	}
	return r.Suite + ": " + r.Text
}

// Runner rows: not specs, but verdicts about the run itself.
var (
	BootRow = Row{Text: "(boot: kernel ran /init and streamed results)"}
	LSMRow  = Row{Text: "LSM-independence (same verdicts under every LSM stack)"}
)

// KernelRun is everything known about one kernel after its run.
type KernelRun struct {
	Kernel *Kernel
	Info   *frame.GuestInfo
	Rows   []Row
	Cells  map[string]Cell
	// SuiteMiss: suites that produced no usable report, with the cause;
	// their rows are MISS on this kernel.
	SuiteMiss map[string]string
	// Miss is set when the kernel as a whole produced nothing usable.
	Miss        string
	ConsoleTail string
	Runs        []frame.SuiteRun
	Reports     []types.Report
	Boot, Suite time.Duration // time to /init, and in the suites
	Wall        time.Duration // start of QEMU (or native run) to the end
	Dir         string        // per-kernel output directory
	// InitrdBytes is the size of the initramfs the VM booted: the suites'
	// image plus, when shipped, the appended selftests archive.
	InitrdBytes int64
	// The kernel's own pidfd selftests that ran in the VM (or why none
	// did), and how their cases compare with the specs that mirror them.
	SelftestSource string // what shipped: "linux-source-7.3 7.3.4-1~bpo13+1"
	SelftestNote   string // why there are no selftest results
	Selftests      []selftests.Result
	CrossCheck     []selftests.Row
	// ExpiredExpectations are the expectations that matched this kernel
	// but were past their until: ignored, and listed so they get removed
	// or renewed.
	ExpiredExpectations []string
}

func newKernelRun(k *Kernel) *KernelRun {
	return &KernelRun{Kernel: k, Cells: map[string]Cell{}, SuiteMiss: map[string]string{}}
}

func (kr *KernelRun) set(r Row, c Cell) {
	if _, ok := kr.Cells[r.Key()]; !ok {
		kr.Rows = append(kr.Rows, r)
	}
	kr.Cells[r.Key()] = c
}

// AddReport maps one suite's Ginkgo JSON report (an array of types.Report)
// into cells.
func (kr *KernelRun) AddReport(suite string, data []byte) error {
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return fmt.Errorf("suite %s: unreadable Ginkgo report: %w", suite, err)
	}
	kr.Reports = append(kr.Reports, reports...)
	for _, rep := range reports {
		for _, sr := range rep.SpecReports {
			row, c, ok := specCell(suite, sr)
			if ok {
				kr.set(row, c)
			}
		}
	}
	return nil
}

// specCell maps one Ginkgo spec report. Suite-level nodes (BeforeSuite...)
// only become rows when they failed: then they explain why specs did not run.
func specCell(suite string, sr types.SpecReport) (Row, Cell, bool) {
	row := Row{Suite: suite, Text: sr.FullText(), Labels: sr.Labels(),
		File: filepath.Base(sr.LeafNodeLocation.FileName), Line: sr.LeafNodeLocation.LineNumber}
	if sr.LeafNodeType != types.NodeTypeIt {
		if !sr.State.Is(types.SpecStateFailureStates) {
			return row, Cell{}, false
		}
		row.Text = "[" + sr.LeafNodeType.String() + "]"
	} else {
		row.ID, _ = specid.Of(row.Labels)
	}
	c := Cell{Seconds: sr.RunTime.Seconds()}
	switch sr.State {
	case types.SpecStatePassed:
		c.Result = PASS
	case types.SpecStateSkipped:
		c.Result, c.Reason = SKIP, sr.Failure.Message
		if c.Reason == "" {
			c.Reason = "skipped by the suite (filter or an earlier failure)"
		}
	case types.SpecStatePending:
		c.Result, c.Reason = SKIP, "pending"
	case types.SpecStateTimedout:
		c.Result, c.Reason = TIMEOUT, sr.Failure.Message
	case types.SpecStateInterrupted:
		// Interrupted means the suite-wide -ginkgo.timeout ran out.
		c.Result, c.Reason = TIMEOUT, "suite timeout: "+sr.Failure.Message
	default: // failed, panicked, aborted
		c.Result, c.Reason = FAIL, sr.Failure.Message
		if sr.Failure.ForwardedPanic != "" {
			c.Reason = "panic: " + sr.Failure.ForwardedPanic
		}
		if sr.Failure.Location.FileName != "" {
			c.Location = fmt.Sprintf("%s:%d", filepath.Base(sr.Failure.Location.FileName), sr.Failure.Location.LineNumber)
		}
	}
	c.Reason = strings.TrimSpace(c.Reason)
	return row, c, true
}

// DecodeStream turns a guest's result stream into the kernel's cells.
func (kr *KernelRun) DecodeStream(s *frame.Stream) {
	if data, ok := s.Get(frame.InfoName); ok {
		var info frame.GuestInfo
		if json.Unmarshal(data, &info) == nil {
			kr.Info = &info
			kr.Boot = time.Duration(info.UptimeAtInit * float64(time.Second))
		}
	}
	if kr.Info == nil {
		kr.Miss = "no result from the guest: " + strings.Join(s.Problems, "; ")
		return
	}
	for _, suite := range kr.Info.Suites {
		var run frame.SuiteRun
		if data, ok := s.Get(suite + "/" + frame.RunFile); ok && json.Unmarshal(data, &run) == nil {
			kr.addRun(run)
		}
		data, ok := s.Get(suite + "/" + frame.ReportFile)
		if !ok {
			why := "no report"
			if run.Suite != "" {
				why = noReport(run)
			} else if len(s.Problems) > 0 {
				why = "no report: " + strings.Join(s.Problems, "; ")
			}
			kr.SuiteMiss[suite] = why
			continue
		}
		kr.addReport(suite, data)
	}
	kr.decodeSelftests(s)
	if !s.Complete() && kr.Miss == "" {
		// Reports that did arrive are kept; the boot row says what broke.
		kr.set(BootRow, Cell{Result: MISS, Reason: strings.Join(s.Problems, "; ")})
	}
}

// decodeSelftests reads the results of the kernel's own selftests, when
// the runner shipped them.
func (kr *KernelRun) decodeSelftests(s *frame.Stream) {
	if kr.SelftestSource == "" {
		return
	}
	if data, ok := s.Get(frame.SelftestsError); ok {
		kr.SelftestNote = "the guest could not run them: " + string(data)
		return
	}
	data, ok := s.Get(frame.SelftestsResults)
	if !ok {
		kr.SelftestNote = "shipped, but no results came back"
		return
	}
	if err := json.Unmarshal(data, &kr.Selftests); err != nil {
		kr.SelftestNote = "unreadable results: " + err.Error()
	}
}

// addRun records how one suite binary ended.
func (kr *KernelRun) addRun(run frame.SuiteRun) {
	kr.Runs = append(kr.Runs, run)
	kr.Suite += time.Duration(run.Seconds * float64(time.Second))
}

// addReport maps a suite's report; an unreadable one makes the suite MISS.
func (kr *KernelRun) addReport(suite string, data []byte) {
	if err := kr.AddReport(suite, data); err != nil {
		kr.SuiteMiss[suite] = err.Error()
	}
}

// noReport is the cause of a MISS for a suite that ended without a report,
// natively or in a guest.
func noReport(run frame.SuiteRun) string {
	if run.Error != "" {
		return fmt.Sprintf("no report (suite exited %d: %s)", run.Exit, run.Error)
	}
	return fmt.Sprintf("no report (suite exited %d)", run.Exit)
}
