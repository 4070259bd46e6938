package report

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// matrix.md goes into CI job summaries, and its values come from guests
// and shard files: no value may start a block, a link, HTML or a table
// cell of its own, or close a code fence.

// mdSpecial are the characters that mean something inline in (GitHub
// flavoured) Markdown; each is backslash-escaped.
const mdSpecial = "\\`*_[]<>|!~&#"

// mdEscape makes s inline text of one line: every Markdown character
// escaped, control characters and line breaks as spaces.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		case strings.ContainsRune(mdSpecial, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdFence is text as a fenced code block whose fence is longer than any
// run of backticks in it, so no line of it can close the block.
func mdFence(text string) string {
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + "\n" + strings.TrimSuffix(format.Printable(text), "\n") + "\n" + fence + "\n"
}

// Markdown leads with what a reader needs first: the kernels and
// their counts, counts per suite, every non-PASS cell, the selftest
// disagreements, console tails; the full grid comes last, folded.
func Markdown(m *judge.Matrix) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# pidfdconf matrix %s\n\nExit %d (%s), wall time %s.\n\n", mdEscape(m.RunID), m.ExitCode(), exitMeaning(m.ExitCode()), format.Duration(m.Wall))
	b.WriteString("## Kernels\n\n")
	for _, kr := range m.Kernels {
		fmt.Fprintf(&b, "- **%s** (%s): %s — %s; %s ([console](%s/console.log)); %s\n", mdEscape(kr.Kernel.Name), mdEscape(kr.Kernel.Architecture()), mdEscape(kr.Kernel.Describe), Timing(kr), m.Summary(kr), kernels.SafeName(kr.Kernel.Name), mdEscape(ConfigLine(kr)))
	}
	skipTable(m).markdown(&b)
	suiteTable(m).markdown(&b)
	b.WriteString("\n## Not PASS\n\n")
	for _, r := range m.Rows {
		for _, kr := range m.Kernels {
			c := m.Cell(kr, r)
			if c.Result != judge.PASS && c.Result != judge.NA {
				fmt.Fprintf(&b, "- %s on %s: %s — %s\n", mdEscape(c.Label()), mdEscape(kr.Kernel.Name), mdEscape(r.Key()), mdEscape(format.Truncate(format.OneLine(c.Reason), 400)))
			}
		}
	}
	var cross strings.Builder
	textSelftests(&cross, m)
	if cross.Len() > 0 {
		b.WriteString("\n## The kernel's own selftests\n\n" + mdFence(cross.String()))
	}
	for _, kr := range m.Kernels {
		if m.Cell(kr, judge.BootRow).Result == judge.MISS || len(kr.SuiteMiss) > 0 {
			fmt.Fprintf(&b, "\n### Console tail of %s\n\n%s", mdEscape(kr.Kernel.Name), mdFence(kr.ConsoleTail))
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
			fmt.Fprintf(&b, " %s |", mdEscape(m.Cell(kr, r).Label()))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n</details>\n")
	return b.String()
}
