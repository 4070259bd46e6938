package judge

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/boot"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// DecodeStream turns a guest's result stream into the kernel's cells. Only
// the suites in kr.Suites are read, whatever the guest says it ran: one
// the stream lacks is MISS, and a guest that claims suites its image does
// not hold gave no result worth believing.
func (kr *KernelRun) DecodeStream(s *frame.Stream) {
	if data, ok := s.Get(frame.InfoName); ok {
		var info frame.GuestInfo
		if json.Unmarshal(data, &info) == nil {
			if err := info.Check(); err != nil {
				kr.Miss = "no usable result from the guest: " + err.Error()
				return
			}
			kr.Info = &info
			kr.Boot = time.Duration(info.UptimeAtInit * float64(time.Second))
		}
	}
	if kr.Info == nil {
		kr.Miss = "no result from the guest: " + strings.Join(s.Problems, "; ")
		return
	}
	if extra := unexpected(kr.Info.Suites, kr.Suites); len(extra) > 0 {
		kr.Set(BootRow, Cell{Result: MISS, Reason: "the guest reported suites its image does not hold: " + strings.Join(extra, ", ")})
	}
	for _, suite := range kr.Suites {
		var run frame.SuiteRun
		if data, ok := s.Get(suite + "/" + frame.RunFile); ok && json.Unmarshal(data, &run) == nil {
			kr.addRun(run)
		}
		data, ok := s.Get(suite + "/" + frame.ReportFile)
		if !ok {
			why := "no report: the guest did not send one"
			if p := s.ProblemOf(suite + "/" + frame.ReportFile); p != "" {
				why = "no report: " + p
			} else if run.Suite != "" {
				why = noReport(run)
			} else if len(s.Problems) > 0 {
				why = "no report: " + strings.Join(s.Problems, "; ")
			}
			kr.SuiteMiss[suite] = why
			continue
		}
		kr.addReport(suite, data)
	}
	if !s.Complete() && kr.Miss == "" && kr.Cells[BootRow.Key()].Result != MISS {
		// Reports that did arrive are kept; the boot row says what broke.
		kr.Set(BootRow, Cell{Result: MISS, Reason: strings.Join(s.Problems, "; ")})
	}
}

// unexpected are the suites in reported that want does not hold.
func unexpected(reported, want []string) []string {
	var extra []string
	for _, s := range reported {
		if !slices.Contains(want, s) {
			extra = append(extra, s)
		}
	}
	return extra
}

// JudgeSelftestsVM reads what the VM that ran the kernel's own selftests
// streamed. That VM judges no spec: however it ended, the column's
// verdicts stand, and a broken run leaves only a note why the cross-check
// has nothing.
func (kr *KernelRun) JudgeSelftestsVM(vm *boot.VM, res boot.Ending) {
	kr.SelftestWall = res.Wall
	s := readStream(vm.ResultLog)
	if data, ok := s.Get(frame.InfoName); ok {
		var info frame.GuestInfo
		if json.Unmarshal(data, &info) == nil {
			kr.SelftestBoot = time.Duration(info.UptimeAtInit * float64(time.Second))
		}
	}
	if why := vm.EndReason(res); why != "" && !s.Complete() {
		kr.SelftestNote = "their VM ended early: " + why
		return
	}
	if data, ok := s.Get(frame.SelftestsError); ok {
		kr.SelftestNote = "the guest could not run them: " + string(data)
		return
	}
	data, ok := s.Get(frame.SelftestsResults)
	if !ok {
		kr.SelftestNote = "shipped, but no results came back: " + format.Or(strings.Join(s.Problems, "; "), "the stream holds none")
		return
	}
	if err := json.Unmarshal(data, &kr.Selftests); err != nil {
		kr.SelftestNote = "unreadable results: " + err.Error()
	}
}

// addRun records how one suite binary ended. The suites of a group share
// their process's record, whose CPU time counts once.
func (kr *KernelRun) addRun(run frame.SuiteRun) {
	counted := run.Process != "" && slices.ContainsFunc(kr.Runs, func(r frame.SuiteRun) bool { return r.Process == run.Process })
	kr.Runs = append(kr.Runs, run)
	kr.Suite = suitesSpan(kr.Runs)
	if !counted {
		kr.SuiteCPU += time.Duration(sane(run.CPUSeconds) * float64(time.Second))
	}
}

// sane is x when it is a positive number of seconds a time.Duration can
// hold with room to add (under 30 years: a start is the machine's uptime),
// else 0: the numbers come from the guest.
func sane(x float64) float64 {
	if x > 0 && x < 30*365*24*60*60 {
		return x
	}
	return 0
}

// suitesSpan is the wall time of the suites: from the first start to the
// last end when every run says when it started (they ran side by side),
// else the sum of their durations. A number that is not sane counts as 0.
func suitesSpan(runs []frame.SuiteRun) time.Duration {
	var sum, first, last float64
	spanned := true
	for i, r := range runs {
		start, secs := sane(r.Start), sane(r.Seconds)
		sum += secs
		spanned = spanned && start > 0
		if i == 0 || start < first {
			first = start
		}
		last = max(last, start+secs)
	}
	if !spanned || len(runs) == 0 {
		return time.Duration(sum * float64(time.Second))
	}
	return time.Duration((last - first) * float64(time.Second))
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

// JudgeVM decodes what the VM streamed into kr; how the VM ended explains
// a MISS. Nothing here can turn a harness fault into FAIL: an incomplete
// stream only ever adds MISS.
func (kr *KernelRun) JudgeVM(vm *boot.VM, res boot.Ending) {
	kr.Wall = res.Wall
	s := readStream(vm.ResultLog)
	kr.DecodeStream(s)
	// Only the end of the console: a guest that flooded it must not be
	// read back into memory whole.
	kr.ConsoleTail = format.Tail(format.Printable(format.ReadTail(vm.ConsoleLog, format.ConsoleTailBytes)), 25)

	// How the VM ended explains a MISS better than the stream defects do.
	// A guest past a cap is MISS even when its stream completed: what it
	// did beyond the cap went unread.
	why := vm.EndReason(res)
	if why != "" && (!s.Complete() || res.Capped != "") {
		if kr.Miss != "" {
			kr.Miss = why
		} else if prev := kr.Cells[BootRow.Key()].Reason; prev != "" {
			kr.Set(BootRow, Cell{Result: MISS, Reason: why + "; " + prev})
		} else {
			kr.Set(BootRow, Cell{Result: MISS, Reason: why})
		}
	}
}

// readStream decodes a VM's result stream file.
func readStream(path string) *frame.Stream {
	f, err := os.Open(path)
	if err != nil {
		return &frame.Stream{Problems: []string{"no result stream: " + err.Error()}}
	}
	defer f.Close()
	return frame.Read(f)
}
