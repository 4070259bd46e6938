package report

import (
	"fmt"
	"html"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

const htmlStyle = `body{font:14px system-ui,sans-serif;margin:1em}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
thead th{position:sticky;top:0;background:#eee}td.r{font-weight:600;text-align:center;cursor:help}
.PASS{background:#c8efc8}.FAIL{background:#f4a6a6}.SKIP{background:#e8e8e8;color:#555}
.XFAIL{background:#f7e0a8}.XPASS{background:#c7b2f0}.TIMEOUT{background:#f6b97c}.MISS{background:#9a9a9a;color:#fff}
.NA{color:#aaa}pre{background:#f6f6f6;padding:.5em;overflow:auto;max-height:25em}
td.s{max-width:60em}span.suite{color:#666}`

// HTML is a page a person can scan, what a reader needs first
// first: the kernels and their counts, counts per suite, every non-PASS
// cell, the selftest cross-check, console tails, then the grid (folded;
// one colour per result, reasons on hover).
func HTML(m *judge.Matrix) string {
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, "<!doctype html><meta charset=utf-8><title>pidfdconf %s</title><style>%s</style>\n", e(m.RunID), htmlStyle)
	fmt.Fprintf(&b, "<h1>pidfdconf matrix %s</h1><p>Exit %d (%s), wall time %s.</p>\n",
		e(m.RunID), m.ExitCode(), e(exitMeaning(m.ExitCode())), format.Duration(m.Wall))
	htmlKernels(&b, m)
	var counts strings.Builder
	skipTable(m).text(&counts)
	suiteTable(m).text(&counts)
	fmt.Fprintf(&b, "<pre>%s</pre>\n", e(strings.TrimSpace(counts.String())))
	if notes := textNotes(m); len(notes) > 0 {
		fmt.Fprintf(&b, "<h2>Not PASS</h2><pre>%s</pre>\n", e(strings.Join(notes, "\n")))
	}
	var cross strings.Builder
	textSelftests(&cross, m)
	if cross.Len() > 0 {
		fmt.Fprintf(&b, "<h2>The kernel's own selftests</h2><pre>%s</pre>\n", e(strings.TrimSpace(cross.String())))
	}
	for _, kr := range m.Kernels {
		if m.Cell(kr, judge.BootRow).Result == judge.MISS || len(kr.SuiteMiss) > 0 {
			fmt.Fprintf(&b, "<h3>Console tail of %s</h3><pre>%s</pre>\n", e(kr.Kernel.Name), e(kr.ConsoleTail))
		}
	}
	b.WriteString("<details><summary>Every spec on every kernel (hover a cell for its reason)</summary>\n")
	htmlGrid(&b, m)
	b.WriteString("</details>\n")
	return b.String()
}

func htmlKernels(b *strings.Builder, m *judge.Matrix) {
	e := html.EscapeString
	b.WriteString("<h2>Kernels</h2><ul>\n")
	for _, kr := range m.Kernels {
		n := e(kernels.SafeName(kr.Kernel.Name))
		fmt.Fprintf(b, `<li><b>%s</b> (%s): %s — %s; %s (<a href="%s/console.log">console</a>, <a href="%s/report.json">report.json</a>, <a href="%s/junit.xml">junit.xml</a>, <a href="%s/ktap.txt">ktap</a>); %s</li>`+"\n",
			e(kr.Kernel.Name), e(kr.Kernel.Architecture()), e(kr.Kernel.Describe), e(Timing(kr)), e(m.Summary(kr)), n, n, n, n, e(ConfigLine(kr)))
	}
	b.WriteString("</ul>\n")
}

func htmlGrid(b *strings.Builder, m *judge.Matrix) {
	e := html.EscapeString
	b.WriteString(`<label><input type=checkbox onchange="for(const r of document.querySelectorAll('tr.allpass'))r.hidden=this.checked"> hide rows that pass everywhere</label>`)
	b.WriteString("<table><thead><tr><th>spec</th>")
	for _, kr := range m.Kernels {
		fmt.Fprintf(b, `<th title="%s"><a href="%s/console.log">%s</a></th>`, e(kr.Kernel.Architecture()+": "+kr.Kernel.Describe+"\n"+Timing(kr)), e(kernels.SafeName(kr.Kernel.Name)), e(kr.Kernel.Name))
	}
	b.WriteString("</tr></thead><tbody>\n")
	for _, r := range m.Rows {
		allPass := true
		var cells strings.Builder
		for _, kr := range m.Kernels {
			c := m.Cell(kr, r)
			if c.Result != judge.PASS && c.Result != judge.NA {
				allPass = false
			}
			fmt.Fprintf(&cells, `<td class="r %s" title="%s">%s</td>`, e(resultClass(c.Result)), e(cellTitle(c)), e(c.Label()))
		}
		cls := ""
		if allPass {
			cls = ` class=allpass`
		}
		suite := ""
		if r.Suite != "" {
			suite = `<span class=suite>` + e(r.Suite) + ":</span> "
		}
		fmt.Fprintf(b, "<tr%s><td class=s>%s%s</td>%s</tr>\n", cls, suite, e(r.Text), cells.String())
	}
	b.WriteString("</tbody></table>\n")
}

// resultClass is the CSS class of a result: one of htmlStyle's, whatever
// a merged shard claims the result is (every value is escaped as well).
func resultClass(v judge.Verdict) string {
	switch {
	case v == judge.NA:
		return "NA"
	case v.Known():
		return string(v)
	}
	return "MISS"
}

// cellTitle is what hovering a cell shows: the reason and where it failed.
func cellTitle(c judge.Cell) string {
	if c.Location != "" {
		return c.Reason + "\n" + c.Location
	}
	return c.Reason
}
