package gate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/report"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// skipConfig stands for a SKIP whose spec says the kernel's config has its
// option off (class config) in fabricatedMatrix's cells.
const skipConfig judge.Verdict = "SKIP(config)"

// fabricatedMatrix is a matrix.json of kernels with the verdicts given per
// row key, written into a run directory of its own.
func fabricatedMatrix(t *testing.T, kernels []string, cells map[string]map[string]judge.Verdict) string {
	t.Helper()
	m := report.MatrixJSON{Run: "fabricated"}
	for _, k := range kernels {
		m.Kernels = append(m.Kernels, report.KernelJSON{Name: k})
	}
	rows := []judge.Row{judge.BootRow, {Suite: "open", Text: "rejects flag bit 3"}, {Suite: "open", Text: "opens a live process"}, {Suite: "wait", Text: "reaps"}}
	for _, r := range rows {
		byKernel, ok := cells[r.Key()]
		if !ok && r.Key() != judge.BootRow.Key() {
			continue // the spec does not exist in this run
		}
		jr := report.RowJSON{Row: r, Cells: map[string]judge.Cell{}}
		for _, k := range kernels {
			res := judge.PASS
			if v, ok := byKernel[k]; ok {
				res = v
			}
			jr.Cells[k] = judge.Cell{Result: res, Reason: "why " + string(res)}
			if res == skipConfig {
				jr.Cells[k] = judge.Cell{Result: judge.SKIP, Class: outcome.Config, Reason: "requires CONFIG_X, which is off"}
			}
		}
		m.Rows = append(m.Rows, jr)
	}
	dir := filepath.Join(t.TempDir(), "run")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "matrix.json")
	if err := report.WriteJSON(path, m); err != nil {
		t.Fatal(err)
	}
	return path
}

var allPass = map[string]map[string]judge.Verdict{
	"open: rejects flag bit 3":   {},
	"open: opens a live process": {},
	"wait: reaps":                {"6.1": judge.SKIP},
}

func compareFiles(t *testing.T, old, nw string, mapping map[string]string) *Comparison {
	t.Helper()
	c, err := CompareFiles(old, nw, mapping)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteComparison(c, filepath.Dir(nw)); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCompareIdenticalRunsHasNoRegressions(t *testing.T) {
	ks := []string{"6.1", "6.12"}
	c := compareFiles(t, fabricatedMatrix(t, ks, allPass), fabricatedMatrix(t, ks, allPass), nil)
	if c.ExitCode != judge.ExitOK || len(c.Regressions)+len(c.Fixes)+len(c.NewlySkipped)+len(c.NewSpecs)+len(c.Vanished) != 0 {
		t.Fatalf("identical runs differ: %+v", c)
	}
	if !strings.Contains(strings.SplitN(c.Text(), "\n", 2)[0], "no regressions") {
		t.Errorf("first line does not say no regressions:\n%s", c.Text())
	}
}

func TestCompareFindsExactlyTheRegression(t *testing.T) {
	ks := []string{"6.1", "6.12"}
	broken := map[string]map[string]judge.Verdict{
		"open: rejects flag bit 3":   {"6.12": judge.FAIL},
		"open: opens a live process": {},
		"wait: reaps":                {"6.1": judge.SKIP},
	}
	nw := fabricatedMatrix(t, ks, broken)
	c := compareFiles(t, fabricatedMatrix(t, ks, allPass), nw, nil)
	want := Change{Spec: "open: rejects flag bit 3", OldColumn: "6.12", NewColumn: "6.12", Old: judge.PASS, New: judge.FAIL, Reason: "why FAIL"}
	if len(c.Regressions) != 1 || c.Regressions[0] != want {
		t.Fatalf("regressions = %+v, want exactly %+v", c.Regressions, want)
	}
	if c.ExitCode != judge.ExitFail {
		t.Errorf("exit code %d, want %d", c.ExitCode, judge.ExitFail)
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(nw), "regressions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var back Comparison
	if err := json.Unmarshal(b, &back); err != nil || len(back.Regressions) != 1 {
		t.Errorf("regressions.json does not hold the regression: %v %s", err, b)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(nw), "regressions.txt")); err != nil {
		t.Error(err)
	}
}

func TestCompareClassifiesEveryChange(t *testing.T) {
	ks := []string{"6.1", "6.12"}
	old := fabricatedMatrix(t, ks, map[string]map[string]judge.Verdict{
		"open: rejects flag bit 3":   {"6.1": judge.FAIL, "6.12": judge.SKIP},
		"open: opens a live process": {"6.12": judge.FAIL},
		"wait: reaps":                {},
	})
	nw := fabricatedMatrix(t, ks, map[string]map[string]judge.Verdict{
		"open: rejects flag bit 3":   {"6.1": judge.PASS, "6.12": judge.FAIL},
		"open: opens a live process": {"6.1": skipConfig, "6.12": judge.TIMEOUT},
	})
	c := compareFiles(t, old, nw, nil)
	if len(c.Fixes) != 1 || c.Fixes[0].NewColumn != "6.1" || len(c.ConfiguredOut) != 1 || len(c.NewlySkipped) != 0 {
		t.Errorf("fixes %+v, configured out %+v, newly skipped %+v", c.Fixes, c.ConfiguredOut, c.NewlySkipped)
	}
	// A behaviour the baseline kernel skipped and this one breaks.
	if len(c.Regressions) != 1 || c.Regressions[0].Old != judge.SKIP || c.Regressions[0].NewColumn != "6.12" {
		t.Errorf("regressions %+v, want the SKIP → FAIL on 6.12", c.Regressions)
	}
	if len(c.Other) != 1 || c.Other[0].Old != judge.FAIL || c.Other[0].New != judge.TIMEOUT {
		t.Errorf("other changes %+v, want FAIL → TIMEOUT", c.Other)
	}
	if len(c.Vanished) != 1 || c.Vanished[0] != "wait: reaps" || len(c.NewSpecs) != 0 {
		t.Errorf("vanished %v, new %v", c.Vanished, c.NewSpecs)
	}
	back := compareFiles(t, nw, old, nil)
	if len(back.NewSpecs) != 1 || len(back.NewFailing) != 0 {
		t.Errorf("the other way round: new specs %v, failing %v", back.NewSpecs, back.NewFailing)
	}
}

func TestCompareFixesAndSkipsPassTheGate(t *testing.T) {
	ks := []string{"6.1"}
	old := fabricatedMatrix(t, ks, map[string]map[string]judge.Verdict{
		"open: rejects flag bit 3":   {"6.1": judge.FAIL},
		"open: opens a live process": {},
		"wait: reaps":                {"6.1": judge.XFAIL},
	})
	nw := fabricatedMatrix(t, ks, map[string]map[string]judge.Verdict{
		"open: rejects flag bit 3":   {},
		"open: opens a live process": {"6.1": skipConfig},
		"wait: reaps":                {"6.1": judge.FAIL}, // failing before, expected or not
	})
	c := compareFiles(t, old, nw, nil)
	if c.ExitCode != judge.ExitOK || len(c.Regressions) != 0 {
		t.Errorf("a fix, a configured-out skip and a known failure fail the gate: exit %d, %+v", c.ExitCode, c.Regressions)
	}
}

// A spec that passed and now skips for any reason but the new kernel's
// config checks nothing any more: the gate stops on it.
func TestComparePassToSkipIsARegression(t *testing.T) {
	ks := []string{"6.1"}
	old := fabricatedMatrix(t, ks, map[string]map[string]judge.Verdict{"open: opens a live process": {}})
	nw := fabricatedMatrix(t, ks, map[string]map[string]judge.Verdict{"open: opens a live process": {"6.1": judge.SKIP}})
	c := compareFiles(t, old, nw, nil)
	if c.ExitCode != judge.ExitFail || len(c.Regressions) != 1 || c.Regressions[0].New != judge.SKIP {
		t.Errorf("PASS → SKIP: exit %d, regressions %+v", c.ExitCode, c.Regressions)
	}
	if !strings.Contains(c.Text(), "PASS → SKIP") {
		t.Errorf("the text does not say it:\n%s", c.Text())
	}
}

func TestCompareMapsColumns(t *testing.T) {
	old := fabricatedMatrix(t, []string{"6.12.115"}, allPass)
	nw := fabricatedMatrix(t, []string{"6.12.117"}, map[string]map[string]judge.Verdict{
		"open: rejects flag bit 3":   {"6.12.117": judge.TIMEOUT},
		"open: opens a live process": {},
		"wait: reaps":                {},
	})
	c := compareFiles(t, old, nw, nil)
	if len(c.Pairs) != 0 || len(c.UnmatchedOld) != 1 || len(c.UnmatchedNew) != 1 {
		t.Errorf("unmapped columns paired: %+v", c)
	}
	mapping, err := ParseBaselineMap("6.12.115=6.12.117")
	if err != nil {
		t.Fatal(err)
	}
	c = compareFiles(t, old, nw, mapping)
	if len(c.Regressions) != 1 || c.Regressions[0].OldColumn != "6.12.115" || c.Regressions[0].New != judge.TIMEOUT {
		t.Fatalf("mapped regression = %+v", c.Regressions)
	}
	if !strings.Contains(c.Text(), "6.12.115 vs 6.12.117") {
		t.Errorf("text does not name the pair:\n%s", c.Text())
	}
	if _, err := CompareFiles(old, nw, map[string]string{"6.12.115": "7.0"}); !setup.IsError(err) {
		t.Errorf("a map to a missing column: %v, want a setup error", err)
	}
}

func TestCompareBootMissIsNotSilent(t *testing.T) {
	ks := []string{"6.1"}
	nw := fabricatedMatrix(t, ks, map[string]map[string]judge.Verdict{
		judge.BootRow.Key():          {"6.1": judge.MISS},
		"open: rejects flag bit 3":   {"6.1": judge.MISS},
		"open: opens a live process": {"6.1": judge.MISS},
		"wait: reaps":                {"6.1": judge.MISS},
	})
	c := compareFiles(t, fabricatedMatrix(t, ks, allPass), nw, nil)
	if len(c.Regressions) != 0 || len(c.NoVerdict) != 4 || c.ExitCode != judge.ExitMiss {
		t.Errorf("regressions %v, no verdict %d, exit %d", c.Regressions, len(c.NoVerdict), c.ExitCode)
	}
}

func TestParseBaselineMapRejectsMalformed(t *testing.T) {
	for _, s := range []string{"6.1", "=6.12", "6.1="} {
		if _, err := ParseBaselineMap(s); !setup.IsError(err) {
			t.Errorf("ParseBaselineMap(%q) = %v, want a setup error", s, err)
		}
	}
}

func TestCompareListsNewSpecsThatFail(t *testing.T) {
	ks := []string{"6.1"}
	old := fabricatedMatrix(t, ks, map[string]map[string]judge.Verdict{"open: rejects flag bit 3": {}})
	nw := fabricatedMatrix(t, ks, map[string]map[string]judge.Verdict{
		"open: rejects flag bit 3": {},
		"wait: reaps":              {"6.1": judge.FAIL},
	})
	c := compareFiles(t, old, nw, nil)
	if len(c.NewFailing) != 1 || c.NewFailing[0].Spec != "wait: reaps" || c.ExitCode != judge.ExitOK {
		t.Errorf("new failing %+v, exit %d", c.NewFailing, c.ExitCode)
	}
	if !strings.Contains(c.Text(), "[6.1] wait: reaps: new → FAIL") {
		t.Errorf("text:\n%s", c.Text())
	}
}
