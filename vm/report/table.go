package report

import (
	"fmt"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/vm/judge"
)

// table is a grid the text, markdown and HTML reports all show: a title,
// a header row of kernel names, then rows whose first cell names them.
type table struct {
	title string
	head  []string
	rows  [][]string
}

// kernelTable is a table with one column per kernel of m.
func kernelTable(title, first string, m *judge.Matrix) table {
	t := table{title: title, head: []string{first}}
	for _, kr := range m.Kernels {
		t.head = append(t.head, kr.Kernel.Name)
	}
	return t
}

// suiteTable is every suite's PASS/FAIL/SKIP counts on every kernel.
func suiteTable(m *judge.Matrix) table {
	t := kernelTable("counts by suite (PASS/FAIL/SKIP)", "suite", m)
	for _, s := range m.SuiteNames() {
		row := []string{s}
		for _, kr := range m.Kernels {
			row = append(row, judge.ShortCounts(m.SuiteCounts(kr)[s]))
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// skipTable is every kernel's SKIPs by the class of their reason: a SKIP
// is a claim, and a reader checks the claims by kind.
func skipTable(m *judge.Matrix) table {
	t := kernelTable("SKIPs by class (why each did not apply)", "class", m)
	counts := make([]map[outcome.SkipClass]int, len(m.Kernels))
	for i, kr := range m.Kernels {
		counts[i] = m.SkipClasses(kr)
	}
	for _, class := range judge.SkipClassOrder {
		row, any := []string{string(class)}, false
		for i := range m.Kernels {
			row = append(row, fmt.Sprint(counts[i][class]))
			any = any || counts[i][class] > 0
		}
		if any {
			t.rows = append(t.rows, row)
		}
	}
	return t
}

// text writes t aligned for a terminal; nothing when it has no rows.
func (t table) text(b *strings.Builder) {
	if len(t.rows) == 0 {
		return
	}
	w := make([]int, len(t.head))
	for _, r := range append([][]string{t.head}, t.rows...) {
		for i, c := range r {
			w[i] = max(w[i], len(c))
		}
	}
	fmt.Fprintf(b, "\n%s:\n", t.title)
	for _, r := range append([][]string{t.head}, t.rows...) {
		line := " "
		for i, c := range r {
			line += fmt.Sprintf(" %-*s", w[i], c)
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

// markdown writes t as a markdown table under a heading.
func (t table) markdown(b *strings.Builder) {
	if len(t.rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## %s\n\n", mdEscape(strings.ToUpper(t.title[:1])+t.title[1:]))
	for i, r := range append([][]string{t.head}, t.rows...) {
		b.WriteString("|")
		for _, c := range r {
			b.WriteString(" " + mdEscape(c) + " |")
		}
		b.WriteString("\n")
		if i == 0 {
			b.WriteString("|" + strings.Repeat("---|", len(r)) + "\n")
		}
	}
}
