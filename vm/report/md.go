package report

import (
	"fmt"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

func mdEscape(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "<", "&lt;").Replace(s)
}

// Markdown leads with what a reader needs first: the kernels and
// their counts, counts per suite, every non-PASS cell, the selftest
// disagreements, console tails; the full grid comes last, folded.
func Markdown(m *judge.Matrix) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# pidfdconf matrix %s\n\nExit %d (%s), wall time %s.\n\n", m.RunID, m.ExitCode(), exitMeaning(m.ExitCode()), format.Duration(m.Wall))
	b.WriteString("## Kernels\n\n")
	for _, kr := range m.Kernels {
		fmt.Fprintf(&b, "- **%s**: %s — %s; %s ([console](%s/console.log)); %s\n", mdEscape(kr.Kernel.Name), mdEscape(kr.Kernel.Describe), Timing(kr), m.Summary(kr), kernels.SafeName(kr.Kernel.Name), mdEscape(ConfigLine(kr)))
	}
	skipTable(m).markdown(&b)
	suiteTable(m).markdown(&b)
	b.WriteString("\n## Not PASS\n\n")
	for _, r := range m.Rows {
		for _, kr := range m.Kernels {
			c := m.Cell(kr, r)
			if c.Result != judge.PASS && c.Result != judge.NA {
				fmt.Fprintf(&b, "- %s on %s: %s — %s\n", c.Label(), mdEscape(kr.Kernel.Name), mdEscape(r.Key()), mdEscape(format.Truncate(format.OneLine(c.Reason), 400)))
			}
		}
	}
	var cross strings.Builder
	textSelftests(&cross, m)
	if cross.Len() > 0 {
		b.WriteString("\n## The kernel's own selftests\n\n```" + cross.String() + "```\n")
	}
	for _, kr := range m.Kernels {
		if m.Cell(kr, judge.BootRow).Result == judge.MISS || len(kr.SuiteMiss) > 0 {
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
			fmt.Fprintf(&b, " %s |", m.Cell(kr, r).Label())
		}
		b.WriteString("\n")
	}
	b.WriteString("\n</details>\n")
	return b.String()
}
