package mutants

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
)

// Fate is what became of one mutant.
type Fate string

const (
	Killed     Fate = "KILLED"     // at least one spec FAILed (or timed out) on it
	Survived   Fate = "SURVIVED"   // it booted and every spec passed: a missing spec
	Unjudged   Fate = "MISS"       // it did not build or boot, or a suite gave no report: not a kill
	Equivalent Fate = "EQUIVALENT" // the list explains why no spec can tell it apart; not built
	NotRun     Fate = "NOT RUN"    // the run stopped before it (its base was invalid)
)

// Mutant is one mutant's line in the reports.
type Mutant struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Config  string `json:"config"`
	Breaks  string `json:"breaks"`
	Verdict Fate   `json:"verdict"`
	// Killers are the specs that failed, "suite: text"; ExpectedKill says
	// whether one of the specs the list expected was among them.
	Killers      []string      `json:"killers,omitempty"`
	ExpectedKill bool          `json:"expected_kill"`
	Expected     []string      `json:"expected"`
	Suites       []string      `json:"suites,omitempty"` // the suites its VM carried
	Reason       string        `json:"reason,omitempty"` // MISS cause, equivalence reason
	Build        time.Duration `json:"build_ns"`
	Boot         time.Duration `json:"vm_ns"`
	Dir          string        `json:"dir,omitempty"`
}

// failingRows are the rows of kr that failed: FAIL, or TIMEOUT (a hang is
// as much a detection as a wrong answer).
func failingRows(kr *judge.KernelRun) []judge.Row {
	var out []judge.Row
	for _, r := range kr.Rows {
		if c := kr.Cells[r.Key()]; c.Result == judge.FAIL || c.Result == judge.TIMEOUT {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// judgeMutant sets the verdict of res from the run of its kernel.
func judgeMutant(res *Mutant, m Mutation, kr *judge.KernelRun) {
	if kr.Miss != "" {
		res.Verdict, res.Reason = Unjudged, "did not boot: "+kr.Miss
		return
	}
	if failed := failingRows(kr); len(failed) > 0 {
		res.Verdict = Killed
		for _, r := range failed {
			res.Killers = append(res.Killers, r.Suite+": "+r.Text)
			res.ExpectedKill = res.ExpectedKill || m.Killers().Match(r)
		}
		return
	}
	if len(kr.SuiteMiss) > 0 {
		var why []string
		for _, s := range slices.Sorted(maps.Keys(kr.SuiteMiss)) {
			why = append(why, s+": "+kr.SuiteMiss[s])
		}
		res.Verdict, res.Reason = Unjudged, "no usable report from "+strings.Join(why, "; ")
		return
	}
	if missed := expectedWith(kr, m, judge.MISS); len(missed) > 0 {
		res.Verdict, res.Reason = Unjudged, "expected specs without a verdict: "+strings.Join(missed, "; ")
		return
	}
	res.Verdict = Survived
	// A feature that vanished without a FAIL is not caught: a SKIP is no
	// kill, whatever its reason says.
	if skipped := expectedWith(kr, m, judge.SKIP); len(skipped) > 0 {
		res.Reason = "expected specs only skipped: " + strings.Join(skipped, "; ")
	}
}

// untestable turns a survivor into a MISS when the unmutated kernel of its
// config passed none of its expected specs either (they skip there: the
// config leaves the feature out, or the specs need what the VM lacks). The
// mutant then says nothing about the suites: the list or the config must
// change, not the specs. It reports whether it changed res.
func untestable(res *Mutant, m Mutation, base *judge.KernelRun) bool {
	if res.Verdict != Survived || len(expectedWith(base, m, judge.PASS)) > 0 {
		return false
	}
	why := expectedWith(base, m, judge.SKIP)
	if len(why) == 0 {
		why = []string{"none of them ran"}
	}
	res.Verdict = Unjudged
	res.Reason = "the unmutated kernel passes none of the expected specs either, so this config cannot judge the mutant: " + strings.Join(why, "; ")
	return true
}

// expectedWith lists the specs expected to kill m whose cell on kr is v,
// with the reason.
func expectedWith(kr *judge.KernelRun, m Mutation, v judge.Verdict) []string {
	var out []string
	for _, r := range kr.Rows {
		if c := kr.Cells[r.Key()]; c.Result == v && m.Killers().Match(r) {
			out = append(out, r.Key()+" ("+format.Truncate(format.OneLine(c.Reason), 160)+")")
		}
	}
	return out
}

// baseProblem says why an unmutated kernel's run cannot serve as the
// reference ("" when it is clean): a FAIL there would be counted as a kill
// of every mutant.
func baseProblem(kr *judge.KernelRun) string {
	if kr.Miss != "" {
		return "the unmutated kernel did not boot: " + kr.Miss
	}
	var bad []string
	for _, r := range failingRows(kr) {
		bad = append(bad, fmt.Sprintf("%s %s: %s", kr.Cells[r.Key()].Result, r.Suite, r.Text))
	}
	for _, s := range slices.Sorted(maps.Keys(kr.SuiteMiss)) {
		bad = append(bad, "MISS "+s+": "+kr.SuiteMiss[s])
	}
	if len(bad) > 0 {
		return "the unmutated kernel is not clean: " + strings.Join(bad, "; ")
	}
	return ""
}

// MutationScore is killed / (total − equivalent): the share of the
// mutants that some spec can tell apart from the kernel that it catches.
type MutationScore struct {
	Total      int `json:"total"`
	Equivalent int `json:"equivalent"`
	Killed     int `json:"killed"`
	Survived   int `json:"survived"`
	Miss       int `json:"miss"`
	NotRun     int `json:"not_run"`
}

// Score counts the verdicts.
func Score(results []Mutant) MutationScore {
	s := MutationScore{Total: len(results)}
	for _, r := range results {
		switch r.Verdict {
		case Equivalent:
			s.Equivalent++
		case Killed:
			s.Killed++
		case Survived:
			s.Survived++
		case Unjudged:
			s.Miss++
		case NotRun:
			s.NotRun++
		}
	}
	return s
}

// Ratio is the score in [0,1]; a list of only equivalent mutants scores 1.
func (s MutationScore) Ratio() float64 {
	if d := s.Total - s.Equivalent; d > 0 {
		return float64(s.Killed) / float64(d)
	}
	return 1
}

func (s MutationScore) String() string {
	return fmt.Sprintf("%d/%d = %.1f%% (killed %d, survived %d, miss %d, not run %d, equivalent %d of %d)",
		s.Killed, s.Total-s.Equivalent, 100*s.Ratio(), s.Killed, s.Survived, s.Miss, s.NotRun, s.Equivalent, s.Total)
}

// Perfect: every mutant that can be killed was.
func (s MutationScore) Perfect() bool { return s.Killed == s.Total-s.Equivalent }
