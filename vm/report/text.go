package report

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

var digits = regexp.MustCompile(`[0-9]+`)

// varies marks a grouped reason whose numbers (pids, versions) differ by kernel.
const varies = " (numbers vary by kernel)"

const textSpecWidth = 72

// Text is what the terminal shows, what a reader needs first first:
// one line per kernel with exactly what ran, how long it took and its
// counts, every non-PASS reason, the selftest cross-check, the console
// tail of every MISS, then the full grid.
func Text(m *judge.Matrix) string {
	var b strings.Builder
	textKernels(&b, m)
	skipTable(m).text(&b)
	suiteTable(m).text(&b)
	if notes := textNotes(m); len(notes) > 0 {
		b.WriteString("\nnot PASS:\n" + strings.Join(notes, "\n") + "\n")
	}
	textSelftests(&b, m)
	textConsoleTails(&b, m)
	b.WriteString("\n")
	textGrid(&b, m)
	for _, img := range m.Image {
		fmt.Fprintf(&b, "\ninitramfs %s: %.1f MB (sha256 %s)", img.Arch, float64(img.Size)/1e6, img.SHA256[:12])
	}
	if sc := m.Schedule; sc.Work > 0 {
		fmt.Fprintf(&b, "\nVMs and native run: %s of work, %d at once, in %s (evenly spread: %s)",
			format.Duration(sc.Work), sc.Jobs, format.Duration(sc.Wall), format.Duration(sc.Work/time.Duration(sc.Jobs)))
	}
	fmt.Fprintf(&b, "\nwall time %s; exit %d (%s)\n", format.Duration(m.Wall), m.ExitCode(), exitMeaning(m.ExitCode()))
	// Guests wrote much of it: no terminal control sequence gets through.
	return format.Printable(b.String())
}

// textGrid is the spec × kernel grid of labels.
func textGrid(b *strings.Builder, m *judge.Matrix) {
	w := make([]int, len(m.Kernels))
	for i, kr := range m.Kernels {
		w[i] = max(len(kr.Kernel.Name), 7)
	}
	specW := 0
	for _, r := range m.Rows {
		specW = max(specW, min(len(r.Key()), textSpecWidth))
	}
	fmt.Fprintf(b, "%-*s", specW, "spec")
	for i, kr := range m.Kernels {
		fmt.Fprintf(b, "  %-*s", w[i], kr.Kernel.Name)
	}
	b.WriteString("\n")
	for _, r := range m.Rows {
		fmt.Fprintf(b, "%-*s", specW, format.Truncate(r.Key(), textSpecWidth))
		for i, kr := range m.Kernels {
			fmt.Fprintf(b, "  %-*s", w[i], m.Cell(kr, r).Label())
		}
		b.WriteString("\n")
	}
}

// textKernels says what each kernel was, how long it took and what it had.
func textKernels(b *strings.Builder, m *judge.Matrix) {
	b.WriteString("kernels:\n")
	for _, kr := range m.Kernels {
		fmt.Fprintf(b, "  %s [%s]: %s\n      %s; %s\n", kr.Kernel.Name, kr.Kernel.Architecture(), kr.Kernel.Describe, Timing(kr), m.Summary(kr))
		if kr.Info != nil && kr.Kernel.Spec.Kind != kernels.KindHost {
			fmt.Fprintf(b, "      release %s, LSMs %s\n", kr.Info.Release, format.Or(strings.Join(kr.Info.LSMs, ","), "none"))
		}
		fmt.Fprintf(b, "      %s\n", ConfigLine(kr))
		if f := featureLine(kr); f != "" {
			fmt.Fprintf(b, "      features: %s\n", f)
		}
		if len(kr.ExpiredExpectations) > 0 {
			fmt.Fprintf(b, "      expired expectations (ignored, remove or renew them): %s\n", strings.Join(kr.ExpiredExpectations, "; "))
		}
	}
}

// verdictGroup is one row's verdict with one reason on several kernels.
type verdictGroup struct {
	label, reason string
	kernels       []string
}

// skipGroup is SKIPs folded by kernels and reason across rows.
type skipGroup struct {
	kernels, reason, example string
	n                        int
}

// textNotes explains every cell that is not PASS. One note per row and
// verdict: the same failure on three kernels is one line naming the three
// (pids and numbers in reasons ignored). SKIPs are folded further, by
// kernels and reason: "requires procfs" on a no-proc kernel is one line
// with a count, not twenty.
func textNotes(m *judge.Matrix) []string {
	var notes []string
	var skips []*skipGroup
	skipBy := map[string]*skipGroup{}
	for _, r := range m.Rows {
		for _, g := range rowGroups(m, r) {
			on := strings.Join(g.kernels, ", ")
			if g.label == string(judge.SKIP) {
				key := on + "\x00" + digits.ReplaceAllString(g.reason, "N")
				sg := skipBy[key]
				if sg == nil {
					sg = &skipGroup{kernels: on, reason: g.reason, example: r.Key()}
					skipBy[key] = sg
					skips = append(skips, sg)
				}
				sg.n++
				continue
			}
			notes = append(notes, fmt.Sprintf("  %-7s %s\n          on %s: %s", g.label, format.Truncate(r.Key(), 110), on, format.Truncate(g.reason, 300)))
		}
	}
	for _, sg := range skips {
		what := format.Truncate(sg.example, 100)
		if sg.n > 1 {
			what = fmt.Sprintf("%d specs, e.g. %s", sg.n, format.Truncate(sg.example, 80))
		}
		notes = append(notes, fmt.Sprintf("  SKIP    %s\n          on %s: %s", what, sg.kernels, format.Truncate(sg.reason, 200)))
	}
	for _, kr := range m.Kernels {
		for s, why := range kr.SuiteMiss {
			notes = append(notes, fmt.Sprintf("  MISS    suite %s on %s: %s", s, kr.Kernel.Name, why))
		}
	}
	return notes
}

// rowGroups groups row r's non-PASS cells by verdict and reason, in kernel
// order. A MISS of a whole kernel or suite is left to its own note.
func rowGroups(m *judge.Matrix, r judge.Row) []*verdictGroup {
	var groups []*verdictGroup
	byKey := map[string]*verdictGroup{}
	for _, kr := range m.Kernels {
		c := m.Cell(kr, r)
		if c.Result == judge.PASS || c.Result == judge.NA {
			continue
		}
		if c.Result == judge.MISS && r.Key() != judge.BootRow.Key() && (kr.Miss != "" || kr.SuiteMiss[r.Suite] != "") {
			continue // said once per kernel or suite
		}
		key := c.Label() + "\x00" + digits.ReplaceAllString(format.OneLine(c.Reason), "N")
		g := byKey[key]
		if g == nil {
			g = &verdictGroup{label: c.Label(), reason: format.OneLine(c.Reason)}
			byKey[key] = g
			groups = append(groups, g)
		} else if g.reason != format.OneLine(c.Reason) && !strings.HasSuffix(g.reason, varies) {
			g.reason += varies
		}
		g.kernels = append(g.kernels, kr.Kernel.Name)
	}
	return groups
}

// textConsoleTails shows the console tail of every kernel with a MISS.
func textConsoleTails(b *strings.Builder, m *judge.Matrix) {
	for _, kr := range m.Kernels {
		if m.Cell(kr, judge.BootRow).Result == judge.MISS || len(kr.SuiteMiss) > 0 {
			fmt.Fprintf(b, "\nconsole tail of %s (%s/console.log):\n", kr.Kernel.Name, kr.Dir)
			for _, l := range strings.Split(kr.ConsoleTail, "\n") {
				b.WriteString("  | " + l + "\n")
			}
		}
	}
}

func exitMeaning(code int) string {
	switch code {
	case judge.ExitOK:
		return "all PASS/SKIP/XFAIL"
	case judge.ExitFail:
		return "FAIL or TIMEOUT present"
	case judge.ExitMiss:
		return "MISS present: some kernel produced no result"
	}
	return "setup error"
}

// featureLine is "+pidfs -PIDFD_THREAD ...": the guest's probe results.
func featureLine(kr *judge.KernelRun) string {
	if kr.Info == nil {
		return ""
	}
	var f []string
	for _, p := range kr.Info.Probes {
		mark := "-"
		if p.Present {
			mark = "+"
		}
		f = append(f, mark+p.Name)
	}
	return strings.Join(f, " ")
}

// ConfigLine says whether the specs saw the kernel's config and where it
// came from: every option SKIP of the column rests on it.
func ConfigLine(kr *judge.KernelRun) string {
	seen, note := kr.ConfigSeen, kr.ConfigNote
	line := "config seen: " + note
	switch {
	case note == "":
		line = "config: no suite said whether it read one"
	case !seen:
		line = "config NOT seen: " + note
	}
	if kr.Kernel.ConfigSource != "" {
		line += " (shipped: " + kr.Kernel.ConfigSource + ")"
	}
	return line
}
