package vm

import (
	"fmt"
	"strings"
)

func mdEscape(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "<", "&lt;").Replace(s)
}

func markdownReport(m *Matrix) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# pidfdconf matrix %s\n\nExit %d (%s), wall time %s.\n\n", m.RunID, m.ExitCode(), exitMeaning(m.ExitCode()), fmtDur(m.Wall))
	b.WriteString("| spec |")
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
	b.WriteString("\n## Kernels\n\n")
	for _, kr := range m.Kernels {
		fmt.Fprintf(&b, "- **%s**: %s — %s; %s ([console](%s/console.log))\n", mdEscape(kr.Kernel.Name), mdEscape(kr.Kernel.Describe), timing(kr), m.summary(kr), safeName(kr.Kernel.Name))
	}
	b.WriteString("\n## Not PASS\n\n")
	for _, r := range m.Rows {
		for _, kr := range m.Kernels {
			c := m.Cell(kr, r)
			if c.Result != PASS && c.Result != NA {
				fmt.Fprintf(&b, "- %s on %s: %s — %s\n", c.label(), mdEscape(kr.Kernel.Name), mdEscape(r.Key()), mdEscape(truncate(oneLine(c.Reason), 400)))
			}
		}
	}
	for _, kr := range m.Kernels {
		if m.Cell(kr, BootRow).Result == MISS || len(kr.SuiteMiss) > 0 {
			fmt.Fprintf(&b, "\n### Console tail of %s\n\n```\n%s\n```\n", kr.Kernel.Name, kr.ConsoleTail)
		}
	}
	return b.String()
}
