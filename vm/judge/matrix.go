package judge

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/vm/image"

	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// Matrix is every row × every kernel of one run.
type Matrix struct {
	RunID   string
	Kernels []*KernelRun
	Rows    []Row
	Strict  bool // XPASS counts as failure
	Wall    time.Duration
	Image   []*image.Image
	// Schedule is how the run's VMs (and the native run) shared the
	// machine: the wall time of the phase that ran them, the sum of their
	// own times, and the jobs at once.
	Schedule Schedule
}

// Schedule is the shape of a run's jobs phase: with Work spread evenly
// over Jobs, Wall would be Work/Jobs.
type Schedule struct {
	Wall, Work time.Duration
	Jobs       int
}

// NewMatrix aggregates kernel runs: the boot row first, then every spec row
// seen on any kernel or expected of every kernel (the catalogue's rows of
// the suites the run carries), suite by suite in source order, then the
// LSM-independence row when the run has an LSM group. An expected row that
// a kernel did not report is MISS there.
func NewMatrix(runID string, runs []*KernelRun, expected ...Row) *Matrix {
	m := &Matrix{RunID: runID, Kernels: runs}
	seen := map[string]bool{BootRow.Key(): true, LSMRow.Key(): true}
	m.Rows = append(m.Rows, BootRow)
	bySuite := map[string][]Row{}
	var suites []string
	add := func(r Row) {
		if seen[r.Key()] {
			return
		}
		seen[r.Key()] = true
		if _, ok := bySuite[r.Suite]; !ok {
			suites = append(suites, r.Suite)
		}
		bySuite[r.Suite] = append(bySuite[r.Suite], r)
	}
	for _, kr := range runs {
		for _, r := range kr.Rows {
			add(r)
		}
	}
	for _, r := range expected {
		add(r)
	}
	sort.Strings(suites)
	for _, s := range suites {
		rows := bySuite[s]
		sort.SliceStable(rows, func(i, j int) bool {
			a, b := rows[i], rows[j]
			if a.File != b.File {
				return a.File < b.File
			}
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Text < b.Text
		})
		m.Rows = append(m.Rows, rows...)
	}
	if m.hasLSMGroup() {
		m.Rows = append(m.Rows, LSMRow)
	}
	return m
}

// Cell is the verdict of row on kr, deriving what no report states directly.
func (m *Matrix) Cell(kr *KernelRun, r Row) Cell {
	if why := kr.Kernel.Unsupported; why != "" && r.Key() != LSMRow.Key() {
		// Evidence from the kernel's config: the column cannot run at all.
		return Cell{Result: SKIP, Class: outcome.Config, Reason: "not booted: " + why}
	}
	switch r.Key() {
	case BootRow.Key():
		if kr.Miss != "" {
			return Cell{Result: MISS, Reason: kr.Miss}
		}
		if c, ok := kr.Cells[r.Key()]; ok {
			return c
		}
		if kr.Kernel.Spec.Kind == kernels.KindHost {
			return Cell{Result: PASS, Reason: "native run, no boot"}
		}
		return Cell{Result: PASS, Seconds: kr.Boot.Seconds()}
	case LSMRow.Key():
		return m.lsmCell(kr)
	case KselftestRow.Key():
		if c, ok := kr.Cells[r.Key()]; ok {
			return c
		}
		return Cell{Result: NA}
	}
	if kr.Miss != "" {
		return Cell{Result: MISS, Reason: kr.Miss}
	}
	if why, ok := kr.SuiteMiss[r.Suite]; ok {
		return Cell{Result: MISS, Reason: why}
	}
	if c, ok := kr.Cells[r.Key()]; ok {
		return c
	}
	if r.Text == suiteBuildsText {
		// The row exists because the suite broke for another arch.
		return Cell{Result: PASS, Reason: "the suite compiled for " + kr.Kernel.Arch}
	}
	return Cell{Result: MISS, Reason: "not reported: the suite's report lacks this spec (if it was renamed, run make catalogue)"}
}

// suiteBuildsText is the row of a suite that did not compile for a kernel's
// arch: MISS there, PASS on the kernels whose arch it compiled for.
const suiteBuildsText = "(suite binary builds)"

func (m *Matrix) hasLSMGroup() bool {
	n := map[string]int{}
	for _, kr := range m.Kernels {
		if g := kr.Kernel.LSMGroup; g != "" {
			if n[g]++; n[g] == 2 {
				return true
			}
		}
	}
	return false
}

// Comparable folds expectations away: XFAIL is still a failure, XPASS a pass.
func Comparable(r Verdict) Verdict {
	switch r {
	case XFAIL:
		return FAIL
	case XPASS:
		return PASS
	}
	return r
}

// lsmCell compares kr with the first kernel of its LSM group, spec by spec.
func (m *Matrix) lsmCell(kr *KernelRun) Cell {
	g := kr.Kernel.LSMGroup
	if g == "" {
		return Cell{Result: NA}
	}
	var ref *KernelRun
	for _, o := range m.Kernels {
		// Only a column of the same architecture: another one's verdicts
		// need not agree (a merge may bring both).
		if o.Kernel.LSMGroup == g && o.Kernel.Architecture() == kr.Kernel.Architecture() {
			ref = o
			break
		}
	}
	var diffs []string
	for _, r := range m.Rows {
		if r.Key() == LSMRow.Key() || r.Key() == BootRow.Key() || r.Key() == KselftestRow.Key() {
			continue
		}
		a, b := Comparable(m.Cell(ref, r).Result), Comparable(m.Cell(kr, r).Result)
		if a == MISS || b == MISS {
			continue // no verdict is not a different verdict
		}
		// A spec that applies under one stack only (needs:selinux-enforcing
		// skips elsewhere) has nothing to compare; any other SKIP is a
		// verdict like the rest: a stack that stops a spec from running
		// changes what the kernel is judged on.
		if (a == SKIP || b == SKIP) && dependsOnTheStack(r) {
			continue
		}
		if a != b {
			diffs = append(diffs, fmt.Sprintf("%s (%s: %s, here: %s)", r.Key(), ref.Kernel.Name, a, b))
		}
	}
	if len(diffs) > 0 {
		return Cell{Result: FAIL, Reason: fmt.Sprintf("%d verdicts differ from %s: %s", len(diffs), ref.Kernel.Name, strings.Join(diffs, "; "))}
	}
	if ref == kr {
		return Cell{Result: PASS, Reason: "reference of the LSM group " + g}
	}
	return Cell{Result: PASS, Reason: "identical to " + ref.Kernel.Name}
}

// Counts tallies kr's column.
func (m *Matrix) Counts(kr *KernelRun) map[Verdict]int {
	c := map[Verdict]int{}
	for _, r := range m.Rows {
		c[m.Cell(kr, r).Result]++
	}
	return c
}

// ExitCode: 1 on any FAIL/TIMEOUT (XPASS when strict), else 2 on any MISS
// or result it does not know (no verdict it can stand behind), else 0. A
// MISS never hides a FAIL and is never counted as one.
func (m *Matrix) ExitCode() int {
	fail, miss := false, false
	for _, kr := range m.Kernels {
		// A suite that sent no report has no rows to be MISS in.
		miss = miss || len(kr.SuiteMiss) > 0
		for _, r := range m.Rows {
			switch res := m.Cell(kr, r).Result; res {
			case FAIL, TIMEOUT:
				fail = true
			case XPASS:
				fail = fail || m.Strict
			case MISS:
				miss = true
			default:
				miss = miss || !res.Known()
			}
		}
	}
	switch {
	case fail:
		return ExitFail
	case miss:
		return ExitMiss
	}
	return ExitOK
}

// VerdictOrder is the order of results in summaries.
var VerdictOrder = []Verdict{PASS, FAIL, SKIP, XFAIL, XPASS, TIMEOUT, MISS}

// Summary is "12 PASS, 1 FAIL, 3 SKIP" for kr.
func (m *Matrix) Summary(kr *KernelRun) string {
	c := m.Counts(kr)
	var parts []string
	for _, r := range VerdictOrder {
		if c[r] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[r], r))
		}
	}
	return strings.Join(parts, ", ")
}

// Label is the short form of a cell for grids: PASS, SKIP, XFAIL(id), ...
func (c Cell) Label() string {
	switch {
	case c.Result == NA:
		return "-"
	case c.ID != "":
		return fmt.Sprintf("%s(%s)", c.Result, c.ID)
	}
	return string(c.Result)
}

// SuiteCounts tallies kr's column per suite (runner rows are left out).
func (m *Matrix) SuiteCounts(kr *KernelRun) map[string]map[Verdict]int {
	out := map[string]map[Verdict]int{}
	for _, r := range m.Rows {
		if r.Suite == "" {
			continue
		}
		if out[r.Suite] == nil {
			out[r.Suite] = map[Verdict]int{}
		}
		out[r.Suite][m.Cell(kr, r).Result]++
	}
	return out
}

// SuiteNames are the suites of the matrix, sorted.
func (m *Matrix) SuiteNames() []string {
	seen := map[string]bool{}
	var names []string
	for _, r := range m.Rows {
		if r.Suite != "" && !seen[r.Suite] {
			seen[r.Suite] = true
			names = append(names, r.Suite)
		}
	}
	sort.Strings(names)
	return names
}

// ShortCounts is "120/1/30" (PASS/FAIL+TIMEOUT/SKIP) with other results
// appended by name: the compact cell of the per-suite table.
func ShortCounts(c map[Verdict]int) string {
	s := fmt.Sprintf("%d/%d/%d", c[PASS], c[FAIL]+c[TIMEOUT], c[SKIP])
	for _, r := range []Verdict{XFAIL, XPASS, MISS} {
		if c[r] > 0 {
			s += fmt.Sprintf(" %d %s", c[r], r)
		}
	}
	return s
}

// SkipClasses tallies kr's SKIP cells by the class their specs gave them.
func (m *Matrix) SkipClasses(kr *KernelRun) map[outcome.SkipClass]int {
	out := map[outcome.SkipClass]int{}
	for _, r := range m.Rows {
		if c := m.Cell(kr, r); c.Result == SKIP {
			out[c.Class]++
		}
	}
	return out
}

// SkipClassOrder is the order of skip classes in reports: the kernel's
// age, its config, the run's privilege and arch, the machine, then SKIPs
// no spec classed (a gap in the suites).
var SkipClassOrder = append(slices.Clone(outcome.SkipClasses), Unclassified)

// stackLabels mark specs that apply under one LSM stack only
// (helpers/labels.go): SELinux enforcing a policy, Landlock, Yama.
var stackLabels = []string{"needs:selinux-enforcing", "needs:landlock", "needs:yama"}

// dependsOnTheStack reports whether r is a spec of one LSM stack.
func dependsOnTheStack(r Row) bool {
	return slices.ContainsFunc(r.Labels, func(l string) bool { return slices.Contains(stackLabels, l) })
}
