package gate

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/internal/specid"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/report"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Change is one spec whose verdict moved between the baseline and this run.
type Change struct {
	Spec      string        `json:"spec"`       // the row key: "suite: text"
	OldColumn string        `json:"old_column"` // kernel column of the baseline
	NewColumn string        `json:"new_column"`
	Old       judge.Verdict `json:"old"`
	New       judge.Verdict `json:"new"`
	Reason    string        `json:"reason,omitempty"` // the new cell's failure/skip message
}

// ColumnPair is one baseline column compared with one column of this run.
type ColumnPair struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// Comparison is a run judged against a baseline run, column pair by pair.
type Comparison struct {
	Baseline string       `json:"baseline"` // path of the baseline matrix.json
	Run      string       `json:"run"`
	Pairs    []ColumnPair `json:"pairs"`
	// Regressions: PASS → FAIL or TIMEOUT, and SKIP → FAIL or TIMEOUT (a
	// behaviour the baseline kernel did not have, broken where it appears).
	Regressions []Change `json:"regressions"`
	Fixes       []Change `json:"fixes"` // FAIL or TIMEOUT → PASS
	// ConfiguredOut: PASS → SKIP where the new kernel's config has the
	// option the spec needs off: a choice of the config, not a regression.
	ConfiguredOut []Change `json:"configured_out,omitempty"`
	NewlySkipped  []Change `json:"newly_skipped"` // FAIL or TIMEOUT → SKIP
	// NoVerdict: a verdict before, MISS now. Not a regression (the harness,
	// not the kernel, may be at fault) but never silently dropped.
	NoVerdict []Change `json:"no_verdict"`
	Other     []Change `json:"other_changes"` // e.g. FAIL → TIMEOUT, TIMEOUT → SKIP
	// NowJudged counts, per column of this run, the specs that had no
	// verdict in the baseline (MISS) and have one now: a boot that failed
	// then makes hundreds, which are one line, not a list.
	NowJudged map[string]int `json:"now_judged,omitempty"`
	NewSpecs  []string       `json:"new_specs"` // rows only this run has
	// NewFailing: the FAILs and TIMEOUTs of new specs. No baseline, so no
	// regression, but a new spec's first verdicts deserve a look.
	NewFailing []Change `json:"new_specs_failing,omitempty"`
	Vanished   []string `json:"vanished_specs"` // rows only the baseline has
	// Columns of either run with no partner: nothing was compared for them.
	UnmatchedOld []string `json:"unmatched_baseline_columns,omitempty"`
	UnmatchedNew []string `json:"unmatched_run_columns,omitempty"`
	ExitCode     int      `json:"exit_code"`
}

// LoadMatrixJSON reads a matrix.json written by a finished run, here or
// elsewhere: at most MaxMatrixJSONBytes of it, and every field checked
// (check.go) before anything uses it.
func LoadMatrixJSON(path string) (*report.MatrixJSON, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, setup.Errorf("baseline: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxMatrixJSONBytes+1))
	if err != nil {
		return nil, setup.Errorf("baseline: %v", err)
	}
	if len(b) > MaxMatrixJSONBytes {
		return nil, setup.Errorf("%s: more than %d MiB, not a matrix.json a run writes", path, MaxMatrixJSONBytes>>20)
	}
	var m report.MatrixJSON
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, setup.Errorf("%s is not a matrix.json: %v", path, err)
	}
	if err := checkMatrixJSON(path, &m); err != nil {
		return nil, setup.Errorf("%v", err)
	}
	return &m, nil
}

// ParseBaselineMap parses "old=new,old2=new2": baseline column old is
// compared with this run's column new (for "6.12.115 vs 6.12.117").
func ParseBaselineMap(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		old, nw, ok := strings.Cut(f, "=")
		if !ok || old == "" || nw == "" {
			return nil, setup.Errorf("baseline map entry %q: want OLD=NEW (baseline column = this run's column)", f)
		}
		out[old] = nw
	}
	return out, nil
}

// pairColumns matches baseline columns to run columns of the same
// architecture: explicitly through mapping, then by equal name. Columns
// of different architectures never pair, whatever their names: an arm64
// verdict says nothing of an amd64 one.
func pairColumns(old, nw *report.MatrixJSON, mapping map[string]string) (pairs []ColumnPair, unOld, unNew []string, err error) {
	newArch := map[string]string{}
	for _, k := range nw.Kernels {
		newArch[k.Name] = columnArchitecture(k)
	}
	used := map[string]bool{}
	for _, k := range old.Kernels {
		target, mapped := mapping[k.Name]
		if !mapped {
			target = k.Name
		}
		arch, exists := newArch[target]
		switch {
		case exists && !used[target] && arch == columnArchitecture(k):
			used[target] = true
			pairs = append(pairs, ColumnPair{Old: k.Name, New: target})
		case mapped && exists && arch != columnArchitecture(k):
			return nil, nil, nil, setup.Errorf("baseline map %s=%s: %q is %s, %q is %s: columns of different architectures are never compared", k.Name, target, k.Name, columnArchitecture(k), target, arch)
		case mapped:
			return nil, nil, nil, setup.Errorf("baseline map %s=%s: this run has no free column %q", k.Name, target, target)
		default:
			unOld = append(unOld, k.Name)
		}
	}
	for o := range mapping {
		if !hasKernel(old, o) {
			return nil, nil, nil, setup.Errorf("baseline map %s=%s: the baseline has no column %q", o, mapping[o], o)
		}
	}
	for _, k := range nw.Kernels {
		if !used[k.Name] {
			unNew = append(unNew, k.Name)
		}
	}
	return pairs, unOld, unNew, nil
}

// columnArchitecture is a column's architecture as kernels.Kernel names
// it; a matrix.json from before the field had amd64 and 386 columns only,
// named by arch alone.
func columnArchitecture(k report.KernelJSON) string {
	if k.Architecture != "" {
		return k.Architecture
	}
	return k.Arch
}

func hasKernel(m *report.MatrixJSON, name string) bool {
	for _, k := range m.Kernels {
		if k.Name == name {
			return true
		}
	}
	return false
}

// Compare judges run nw against the baseline old. The runner rows (boot,
// LSM-independence) are compared like specs: a kernel that stopped booting
// is a regression.
func Compare(old, nw *report.MatrixJSON, mapping map[string]string) (*Comparison, error) {
	pairs, unOld, unNew, err := pairColumns(old, nw, mapping)
	if err != nil {
		return nil, err
	}
	c := &Comparison{Run: nw.Run, Pairs: pairs, UnmatchedOld: unOld, UnmatchedNew: unNew}
	earlier := indexRows(old)
	matched := map[string]bool{} // keys of the baseline rows found again
	for _, r := range nw.Rows {
		o, ok := earlier.find(r.Row)
		if !ok {
			c.NewSpecs = append(c.NewSpecs, r.Key())
			c.newFailing(r, pairs)
			continue
		}
		matched[o.Key()] = true
		for _, p := range pairs {
			c.classify(r.Key(), p, o.Cells[p.Old], r.Cells[p.New])
		}
	}
	for _, r := range old.Rows {
		if !matched[r.Key()] {
			c.Vanished = append(c.Vanished, r.Key())
		}
	}
	c.ExitCode = c.exitCode(nw)
	return c, nil
}

// rowIndex finds a row's earlier self in a baseline: by its suite and
// spec ID, which survive a reworded text, or an ID the spec had before
// (specid.FormerIDs), which survive a renamed ID; else (a runner row, or a
// baseline written before specs had IDs) by suite and text.
type rowIndex struct {
	byID, byKey map[string]report.RowJSON
}

func indexRows(m *report.MatrixJSON) rowIndex {
	ix := rowIndex{byID: map[string]report.RowJSON{}, byKey: rowsByKey(m)}
	for _, r := range m.Rows {
		if r.ID != "" {
			ix.byID[r.Suite+"\x00"+r.ID] = r
		}
	}
	return ix
}

func (ix rowIndex) find(r judge.Row) (report.RowJSON, bool) {
	if r.ID != "" {
		for _, id := range append([]string{r.ID}, specid.FormerIDs(r.Suite, r.ID)...) {
			if o, ok := ix.byID[r.Suite+"\x00"+id]; ok {
				return o, true
			}
		}
	}
	o, ok := ix.byKey[r.Key()]
	if ok && o.ID != "" && r.ID != "" {
		return report.RowJSON{}, false // the text passed to another spec: not its earlier self
	}
	return o, ok
}

func rowsByKey(m *report.MatrixJSON) map[string]report.RowJSON {
	out := map[string]report.RowJSON{}
	for _, r := range m.Rows {
		out[r.Key()] = r
	}
	return out
}

// classify files one (spec, column pair) under the change it shows, if any.
// Expectations are folded away: XFAIL is still a failure, XPASS a pass.
func (c *Comparison) classify(spec string, p ColumnPair, oldCell, newCell judge.Cell) {
	a, b := judge.Comparable(oldCell.Result), judge.Comparable(newCell.Result)
	if a == b || a == judge.NA || b == judge.NA {
		return
	}
	ch := Change{Spec: spec, OldColumn: p.Old, NewColumn: p.New, Old: oldCell.Result, New: newCell.Result, Reason: newCell.Reason}
	failed := func(r judge.Verdict) bool { return r == judge.FAIL || r == judge.TIMEOUT }
	switch {
	case a == judge.PASS && b == judge.SKIP && newCell.Class == outcome.Config:
		c.ConfiguredOut = append(c.ConfiguredOut, ch)
	case (a == judge.PASS || a == judge.SKIP) && failed(b), a == judge.PASS && b == judge.SKIP:
		// A spec that passed and now skips no longer checks anything: a
		// gate must not let a kernel through on that.
		c.Regressions = append(c.Regressions, ch)
	case failed(a) && b == judge.PASS:
		c.Fixes = append(c.Fixes, ch)
	case b == judge.SKIP && a != judge.MISS:
		c.NewlySkipped = append(c.NewlySkipped, ch)
	case b == judge.MISS:
		c.NoVerdict = append(c.NoVerdict, ch)
	case a == judge.MISS:
		if c.NowJudged == nil {
			c.NowJudged = map[string]int{}
		}
		c.NowJudged[p.New]++
	default:
		c.Other = append(c.Other, ch)
	}
}

// newFailing records where the new row r fails on a compared column.
func (c *Comparison) newFailing(r report.RowJSON, pairs []ColumnPair) {
	for _, p := range pairs {
		if cell := r.Cells[p.New]; cell.Result == judge.FAIL || cell.Result == judge.TIMEOUT {
			c.NewFailing = append(c.NewFailing, Change{Spec: r.Key(), NewColumn: p.New, New: cell.Result, Reason: cell.Reason})
		}
	}
}

// exitCode: 1 on any regression; else 2 when a compared column of this run
// did not boot (the gate decided nothing for it); else 0. A FAIL that the
// baseline shares is not this run's doing and does not fail the gate.
func (c *Comparison) exitCode(nw *report.MatrixJSON) int {
	if len(c.Regressions) > 0 {
		return judge.ExitFail
	}
	boot := rowsByKey(nw)[judge.BootRow.Key()]
	for _, p := range c.Pairs {
		if boot.Cells[p.New].Result == judge.MISS {
			return judge.ExitMiss
		}
	}
	return judge.ExitOK
}

// CompareFiles compares two finished runs' matrix.json files.
func CompareFiles(oldPath, newPath string, mapping map[string]string) (*Comparison, error) {
	old, err := LoadMatrixJSON(oldPath)
	if err != nil {
		return nil, err
	}
	nw, err := LoadMatrixJSON(newPath)
	if err != nil {
		return nil, err
	}
	c, err := Compare(old, nw, mapping)
	if c != nil {
		c.Baseline = oldPath
	}
	return c, err
}

// CompareRun compares a run that just finished with the baseline file.
func CompareRun(m *judge.Matrix, baseline string, mapping map[string]string) (*Comparison, error) {
	old, err := LoadMatrixJSON(baseline)
	if err != nil {
		return nil, err
	}
	nw := report.JSON(m)
	c, err := Compare(old, &nw, mapping)
	if c != nil {
		c.Baseline = baseline
	}
	return c, err
}

// WriteComparison writes regressions.txt and regressions.json into dir.
func WriteComparison(c *Comparison, dir string) error {
	if err := os.WriteFile(filepath.Join(dir, "regressions.txt"), []byte(c.Text()), 0o644); err != nil {
		return err
	}
	return report.WriteJSON(filepath.Join(dir, "regressions.json"), c)
}
