package vm

import (
	"fmt"
	"strings"
)

func mdEscape(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "<", "&lt;").Replace(s)
}

// markdownReport leads with what a reader needs first: the kernels and
// their counts, counts per suite, every non-PASS cell, the selftest
// disagreements, console tails; the full grid comes last, folded.
func markdownReport(m *Matrix) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# pidfdconf matrix %s\n\nExit %d (%s), wall time %s.\n\n", m.RunID, m.ExitCode(), exitMeaning(m.ExitCode()), fmtDur(m.Wall))
	b.WriteString("## Kernels\n\n")
	for _, kr := range m.Kernels {
		fmt.Fprintf(&b, "- **%s**: %s — %s; %s ([console](%s/console.log))\n", mdEscape(kr.Kernel.Name), mdEscape(kr.Kernel.Describe), timing(kr), m.summary(kr), safeName(kr.Kernel.Name))
	}
	mdSuiteCounts(&b, m)
	b.WriteString("\n## Not PASS\n\n")
	for _, r := range m.Rows {
		for _, kr := range m.Kernels {
			c := m.Cell(kr, r)
			if c.Result != PASS && c.Result != NA {
				fmt.Fprintf(&b, "- %s on %s: %s — %s\n", c.label(), mdEscape(kr.Kernel.Name), mdEscape(r.Key()), mdEscape(truncate(oneLine(c.Reason), 400)))
			}
		}
	}
	var cross strings.Builder
	textSelftests(&cross, m)
	if cross.Len() > 0 {
		b.WriteString("\n## The kernel's own selftests\n\n```" + cross.String() + "```\n")
	}
	for _, kr := range m.Kernels {
		if m.Cell(kr, BootRow).Result == MISS || len(kr.SuiteMiss) > 0 {
			fmt.Fprintf(&b, "\n### Console tail of %s\n\n```\n%s\n```\n", kr.Kernel.Name, kr.ConsoleTail)
		}
	}
	b.WriteString("\n<details><summary>Every spec on every kernel</summary>\n\n| spec |")
	for _, kr := range m.Kernels {
		fmt.Fprintf(&b, " %s |", mdEscape(kr.Kernel.Name))
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(m.Kernels)) + "\n")
	for _, r := range m.Rows {
		fmt.Fprintf(&b, "| %s |", mdEscape(r.Key()))
		for _, kr := range m.Kernels {
			fmt.Fprintf(&b, " %s |", m.Cell(kr, r).label())
		}
		b.WriteString("\n")
	}
	b.WriteString("\n</details>\n")
	return b.String()
}

// mdSuiteCounts is the suite × kernel table of PASS/FAIL/SKIP counts.
func mdSuiteCounts(b *strings.Builder, m *Matrix) {
	suites := m.suiteNames()
	if len(suites) == 0 {
		return
	}
	b.WriteString("\n## Counts by suite (PASS/FAIL/SKIP)\n\n| suite |")
	for _, kr := range m.Kernels {
		fmt.Fprintf(b, " %s |", mdEscape(kr.Kernel.Name))
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(m.Kernels)) + "\n")
	for _, s := range suites {
		fmt.Fprintf(b, "| %s |", s)
		for _, kr := range m.Kernels {
			fmt.Fprintf(b, " %s |", shortCounts(m.SuiteCounts(kr)[s]))
		}
		b.WriteString("\n")
	}
}
