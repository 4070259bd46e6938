package gate

import (
	"fmt"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
)

// changeLines caps each list of the comparison so the whole of it fits one
// screen; regressions.json always has everything.
const changeLines = 15

// Text is the comparison for the terminal and regressions.txt: the verdict
// line first, then each kind of change, regressions leading.
func (c *Comparison) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "== baseline %s vs run %s: %s\n", c.Baseline, c.Run, c.verdict())
	var pairs []string
	for _, p := range c.Pairs {
		if p.Old == p.New {
			pairs = append(pairs, p.New)
		} else {
			pairs = append(pairs, p.Old+" vs "+p.New)
		}
	}
	fmt.Fprintf(&b, "columns compared: %s\n", format.Or(strings.Join(pairs, ", "), "none"))
	if len(c.UnmatchedOld) > 0 {
		fmt.Fprintf(&b, "baseline columns not in this run (use -baseline-map OLD=NEW): %s\n", strings.Join(c.UnmatchedOld, ", "))
	}
	if len(c.UnmatchedNew) > 0 {
		fmt.Fprintf(&b, "columns without a baseline: %s\n", strings.Join(c.UnmatchedNew, ", "))
	}
	writeChanges(&b, "REGRESSIONS (PASS or SKIP → FAIL/TIMEOUT, PASS → SKIP)", c.Regressions)
	writeChanges(&b, "fixes (FAIL → PASS)", c.Fixes)
	writeChanges(&b, "configured out (PASS → SKIP: the new kernel's config has the option off)", c.ConfiguredOut)
	writeChanges(&b, "newly skipped (FAIL or TIMEOUT → SKIP)", c.NewlySkipped)
	writeNoVerdict(&b, c.NoVerdict)
	writeChanges(&b, "other changes", c.Other)
	for _, p := range c.Pairs {
		if n := c.NowJudged[p.New]; n > 0 {
			fmt.Fprintf(&b, "[%s] %d specs had no verdict in the baseline (MISS) and have one now\n", p.New, n)
		}
	}
	writeSpecs(&b, "new specs", c.NewSpecs)
	writeChanges(&b, "new specs that fail (no baseline verdict)", c.NewFailing)
	writeSpecs(&b, "vanished specs", c.Vanished)
	return b.String()
}

// verdict is the one-line answer of the gate.
func (c *Comparison) verdict() string {
	switch {
	case len(c.Regressions) > 0:
		if len(c.Regressions) == 1 {
			return "1 REGRESSION"
		}
		return fmt.Sprintf("%d REGRESSIONS", len(c.Regressions))
	case c.ExitCode == judge.ExitMiss:
		return "no regressions, but a compared kernel did not boot (MISS)"
	}
	return "no regressions"
}

func writeChanges(b *strings.Builder, title string, cs []Change) {
	if len(cs) == 0 {
		return
	}
	fmt.Fprintf(b, "%s: %d\n", title, len(cs))
	writeChangeLines(b, cs)
}

// writeChangeLines writes one line per change, at most changeLines.
func writeChangeLines(b *strings.Builder, cs []Change) {
	for i, ch := range cs {
		if i == changeLines {
			fmt.Fprintf(b, "  … and %d more (regressions.json)\n", len(cs)-i)
			break
		}
		col := ch.NewColumn
		if ch.OldColumn != "" && ch.OldColumn != ch.NewColumn {
			col = ch.OldColumn + " vs " + ch.NewColumn
		}
		fmt.Fprintf(b, "  [%s] %s: %s → %s", col, ch.Spec, format.Or(string(ch.Old), "new"), ch.New)
		if ch.Reason != "" && ch.New != judge.PASS {
			fmt.Fprintf(b, " (%s)", format.Truncate(format.OneLine(ch.Reason), 120))
		}
		b.WriteString("\n")
	}
}

func writeSpecs(b *strings.Builder, title string, specs []string) {
	if len(specs) == 0 {
		return
	}
	fmt.Fprintf(b, "%s: %d\n", title, len(specs))
	for i, s := range specs {
		if i == changeLines {
			fmt.Fprintf(b, "  … and %d more (regressions.json)\n", len(specs)-i)
			break
		}
		fmt.Fprintf(b, "  %s\n", s)
	}
}

// writeNoVerdict lists the specs that lost their verdict; a column that
// lost many (a kernel that no longer boots) is one line with the cause.
func writeNoVerdict(b *strings.Builder, cs []Change) {
	if len(cs) == 0 {
		return
	}
	byColumn := map[string][]Change{}
	var cols []string
	for _, ch := range cs {
		if _, ok := byColumn[ch.NewColumn]; !ok {
			cols = append(cols, ch.NewColumn)
		}
		byColumn[ch.NewColumn] = append(byColumn[ch.NewColumn], ch)
	}
	fmt.Fprintf(b, "no verdict now (MISS: harness or boot, not judged): %d\n", len(cs))
	for _, col := range cols {
		chs := byColumn[col]
		if len(chs) <= 3 {
			writeChangeLines(b, chs)
			continue
		}
		fmt.Fprintf(b, "  [%s] %d specs, e.g. %s (%s)\n", col, len(chs), chs[0].Spec, format.Truncate(format.OneLine(chs[0].Reason), 120))
	}
}
