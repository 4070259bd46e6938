package judge

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/boot"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// DecodeStream turns a guest's result stream into the kernel's cells.
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
	for _, suite := range kr.Info.Suites {
		var run frame.SuiteRun
		if data, ok := s.Get(suite + "/" + frame.RunFile); ok && json.Unmarshal(data, &run) == nil {
			kr.addRun(run)
		}
		data, ok := s.Get(suite + "/" + frame.ReportFile)
		if !ok {
			why := "no report"
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
	kr.decodeSelftests(s)
	if !s.Complete() && kr.Miss == "" {
		// Reports that did arrive are kept; the boot row says what broke.
		kr.Set(BootRow, Cell{Result: MISS, Reason: strings.Join(s.Problems, "; ")})
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

// JudgeVM decodes what the VM streamed into kr; how the VM ended explains
// a MISS. Nothing here can turn a harness fault into FAIL: an incomplete
// stream only ever adds MISS.
func (kr *KernelRun) JudgeVM(vm *boot.VM, res boot.Outcome) {
	kr.Wall = res.Wall
	f, err := os.Open(vm.ResultLog)
	var s *frame.Stream
	if err == nil {
		s = frame.Read(f)
		f.Close()
	} else {
		s = &frame.Stream{Problems: []string{"no result stream: " + err.Error()}}
	}
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
