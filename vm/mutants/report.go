package mutants

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
)

// verdictNote is the rest of a mutant's report line after its verdict.
func verdictNote(r *Mutant) string {
	switch r.Verdict {
	case Killed:
		hit := "an expected spec among them"
		if !r.ExpectedKill {
			hit = "NOT the expected " + strings.Join(r.Expected, ", ")
		}
		return fmt.Sprintf("by %d spec(s), %s: %s", len(r.Killers), hit, strings.Join(r.Killers, " | "))
	case Survived:
		note := fmt.Sprintf("breaks %s; expected %s (suites %s)", r.Breaks, strings.Join(r.Expected, ", "), strings.Join(r.Suites, ","))
		if r.Reason != "" {
			note += "; " + r.Reason
		}
		return note
	default:
		return r.Reason
	}
}

// Text is the terminal and mutants.txt report.
func Text(run *RunReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "mutants of %s, run %s\n", run.Source, run.RunID)
	for _, base := range run.Bases {
		fmt.Fprintf(&b, "base %-10s %s (%d specs PASS; build %s, VM %s)\n", base.Config, format.Or(base.Problem, "clean"), base.Passed, format.Duration(base.Build), format.Duration(base.Boot))
	}
	for i := range run.Mutants {
		r := &run.Mutants[i]
		fmt.Fprintf(&b, "%-10s %-34s %s\n", r.Verdict, r.Name, verdictNote(r))
	}
	fmt.Fprintf(&b, "mutation score: %s\n", run.Score)
	if !run.Valid() {
		b.WriteString("INVALID RUN: an unmutated kernel is not clean, so no kill can be credited to its mutant\n")
	}
	fmt.Fprintf(&b, "time: %s\n", format.Duration(run.Wall))
	return b.String()
}

// Markdown is mutants.md: one table row per mutant.
func Markdown(run *RunReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Kernel mutants: %s\n\nRun %s, %s. Mutation score **%s**.\n\n", run.Source, run.RunID, format.Duration(run.Wall), run.Score)
	b.WriteString("| Base config | Verdict | Build | VM |\n|---|---|---|---|\n")
	for _, base := range run.Bases {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", base.Config, mdCell(format.Or(base.Problem, "clean")), format.Duration(base.Build), format.Duration(base.Boot))
	}
	b.WriteString("\n| Mutant | File | Config | Verdict | Build | VM | Breaks | Expected | Killed by / why |\n|---|---|---|---|---|---|---|---|---|\n")
	for i := range run.Mutants {
		r := &run.Mutants[i]
		why := r.Reason
		if r.Verdict == Killed {
			why = strings.Join(r.Killers, "<br>")
			if !r.ExpectedKill {
				why = "(not the expected specs) " + why
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Name, r.File, r.Config, r.Verdict,
			durationCell(r.Build), durationCell(r.Boot), mdCell(r.Breaks), mdCell(strings.Join(r.Expected, "; ")), mdCell(why))
	}
	return b.String()
}

// durationCell is a time of the table, "–" for a step that did not run.
func durationCell(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return format.Duration(d)
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// writeMutantReports writes mutants.{txt,json,md} into the run directory.
func writeMutantReports(run *RunReport) error {
	js, err := json.MarshalIndent(run, "", "  ")
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"mutants.txt":  []byte(Text(run)),
		"mutants.json": append(js, '\n'),
		"mutants.md":   []byte(Markdown(run)),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(run.Dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ExitCode: 0 when every base is clean and every mutant that can be killed
// was; 1 for an invalid base or a survivor; 2 when the only shortfall is
// mutants that did not build or boot or were not run.
func (run *RunReport) ExitCode() int {
	s := run.Score
	switch {
	case !run.Valid() || s.Survived > 0:
		return judge.ExitFail
	case !s.Perfect():
		return judge.ExitMiss
	}
	return judge.ExitOK
}
