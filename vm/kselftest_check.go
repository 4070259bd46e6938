package vm

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/ktap"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kselftest"
)

// kselftestCell judges a kselftest run against the column's own run of
// the same suites on the same kernel (before expectations: a program
// knows none). It agrees when kunit_parser found every program of the
// column, no program crashed (a case its plan promised is missing) or
// broke the parser, every spec the column judged is there with the status
// its verdict prints as, no spec is there that the column lacks, and each
// program's counts are the column's. Agreement with exit 0 is PASS; with
// a non-zero exit it is FAIL, because then the column's own run has the
// same FAILs. Anything else is MISS: the harness could not show the
// kernel does the same under the labs' runner, which says nothing of the
// kernel. The second return is every difference, for kselftest-check.txt.
func kselftestCell(kr *judge.KernelRun, run *kselftestRun) (judge.Cell, []string) {
	if run.note != "" {
		return judge.Cell{Result: judge.MISS, Reason: run.note}, nil
	}
	var diffs []string
	differ := func(f string, args ...any) { diffs = append(diffs, fmt.Sprintf(f, args...)) }
	specs, fails := 0, 0
	for _, suite := range kr.Suites {
		if _, ok := kr.SuiteMiss[suite]; ok {
			differ("program %s: the column's own run has no verdicts for it (%s)", suite, kr.SuiteMiss[suite])
			continue
		}
		got := run.summary.Programs[suite]
		if got == nil {
			differ("program %s: not in run_kselftest.sh's output", suite)
			continue
		}
		if got.Crashed != 0 || got.Errors != 0 {
			differ("program %s: kunit_parser found %d missing cases and %d parse errors", suite, got.Crashed, got.Errors)
		}
		want := map[string]string{}
		counts := map[string]int{}
		for _, r := range kr.Rows {
			if r.Suite != suite {
				continue
			}
			c := kr.Cells[r.Key()]
			if c.Result == judge.MISS {
				differ("program %s: %s has no verdict in the column's own run (%s)", suite, r.Text, format.Truncate(c.Reason, 200))
				continue
			}
			name := ktap.Name(suite, r.ID, r.Text)
			status := kselftest.Status(c.Result)
			want[name] = status
			counts[status]++
			if status == "FAILURE" {
				fails++
			}
			if s, ok := got.Results[name]; !ok {
				differ("program %s: %s (%s in the column) is not in its KTAP", suite, name, c.Result)
			} else if s != status {
				differ("program %s: %s is %s in its KTAP, %s in the column (%s)", suite, name, s, c.Result, format.Truncate(c.Reason, 200))
			}
		}
		var extra []string
		for name := range got.Results {
			if _, ok := want[name]; !ok {
				extra = append(extra, name)
			}
		}
		sort.Strings(extra)
		for _, name := range extra {
			differ("program %s: its KTAP has %s (%s), the column does not", suite, name, got.Results[name])
		}
		if got.Passed != counts["SUCCESS"] || got.Skipped != counts["SKIPPED"] || got.Failed != counts["FAILURE"] {
			differ("program %s: kunit_parser counted %d passed, %d skipped, %d failed; the column %d, %d, %d",
				suite, got.Passed, got.Skipped, got.Failed, counts["SUCCESS"], counts["SKIPPED"], counts["FAILURE"])
		}
		specs += len(want)
	}
	for name := range run.summary.Programs {
		if !slices.Contains(kr.Suites, name) {
			differ("program %s: run_kselftest.sh ran it, the column's image has no such suite", name)
		}
	}
	if len(diffs) > 0 {
		return judge.Cell{Result: judge.MISS, Reason: fmt.Sprintf("%d differences from the column's own run (exit %d; kselftest-check.txt): %s",
			len(diffs), run.end.Exit, strings.Join(diffs[:min(3, len(diffs))], "; ")), Seconds: run.wall.Seconds()}, diffs
	}
	what := fmt.Sprintf("%d programs, %d specs read by kunit_parser, every verdict the column's; run_kselftest.sh exit %d in %.0fs (VM %.0fs)",
		len(kr.Suites), specs, run.end.Exit, run.end.Seconds, run.wall.Seconds())
	switch {
	case run.end.Exit == 0 && fails == 0:
		return judge.Cell{Result: judge.PASS, Reason: what, Seconds: run.wall.Seconds()}, nil
	case run.end.Exit == 1 && fails > 0:
		return judge.Cell{Result: judge.FAIL, Reason: fmt.Sprintf("%s: the column's %d FAIL specs fail here too", what, fails), Seconds: run.wall.Seconds()}, nil
	}
	return judge.Cell{Result: judge.MISS, Reason: fmt.Sprintf("%s, with %d FAIL specs: run_kselftest.sh's exit code does not follow from its programs'", what, fails), Seconds: run.wall.Seconds()}, nil
}

// judgeKselftest sets the column's kselftest row and writes every
// difference beside its output.
func (c *column) judgeKselftest() {
	if c.kselftest == nil {
		return
	}
	cell, diffs := kselftestCell(c.kr, c.kselftest)
	c.kr.Set(judge.KselftestRow, cell)
	text := string(cell.Result) + ": " + cell.Reason + "\n"
	for _, d := range diffs {
		text += d + "\n"
	}
	_ = os.WriteFile(filepath.Join(c.kr.Dir, "kselftest-check.txt"), []byte(text), 0o644)
}
