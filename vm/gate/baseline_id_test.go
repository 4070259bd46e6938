package gate

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/report"
)

type verdict struct {
	judge.Row
	judge.Verdict
}

// matrixOf is a one-kernel ("k") matrix.json with these rows and results.
func matrixOf(vs ...verdict) *report.MatrixJSON {
	m := &report.MatrixJSON{Kernels: []report.KernelJSON{{Name: "k"}}}
	for _, v := range vs {
		m.Rows = append(m.Rows, report.RowJSON{Row: v.Row, Cells: map[string]judge.Cell{"k": {Result: v.Verdict}}})
	}
	return m
}

func TestCompareFollowsASpecThroughARewording(t *testing.T) {
	old := matrixOf(
		verdict{judge.Row{Suite: "open", Text: "rejects flag bit 3", ID: "rejects_flag_bit_3"}, judge.PASS},
		verdict{judge.Row{Suite: "open", Text: "opens a process", ID: "opens_process"}, judge.PASS},
	)
	nw := matrixOf(
		verdict{judge.Row{Suite: "open", Text: "fails with EINVAL for flag bit 3", ID: "rejects_flag_bit_3"}, judge.FAIL},
		verdict{judge.Row{Suite: "open", Text: "opens a process", ID: "opens_process"}, judge.PASS},
	)
	c, err := Compare(old, nw, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.NewSpecs) != 0 || len(c.Vanished) != 0 {
		t.Errorf("the reworded spec was taken for a new one: new %v, vanished %v", c.NewSpecs, c.Vanished)
	}
	if len(c.Regressions) != 1 || c.Regressions[0].Spec != "open: fails with EINVAL for flag bit 3" || c.ExitCode != judge.ExitFail {
		t.Errorf("regressions %+v (exit %d), want the reworded spec's PASS → FAIL", c.Regressions, c.ExitCode)
	}
}

func TestCompareMatchesABaselineWithoutIDsByText(t *testing.T) {
	old := matrixOf(verdict{judge.Row{Suite: "open", Text: "rejects flag bit 3"}, judge.PASS})
	nw := matrixOf(verdict{judge.Row{Suite: "open", Text: "rejects flag bit 3", ID: "rejects_flag_bit_3"}, judge.FAIL})
	c, err := Compare(old, nw, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Regressions) != 1 || len(c.NewSpecs)+len(c.Vanished) != 0 {
		t.Errorf("regressions %+v, new %v, vanished %v", c.Regressions, c.NewSpecs, c.Vanished)
	}
}

func TestCompareKeepsSpecsWithDifferentIDsApart(t *testing.T) {
	// The text now belongs to a spec with a new ID: a new behaviour, not
	// the old one's later self.
	old := matrixOf(verdict{judge.Row{Suite: "open", Text: "rejects bad flags", ID: "rejects_bit_3"}, judge.PASS})
	nw := matrixOf(verdict{judge.Row{Suite: "open", Text: "rejects bad flags", ID: "rejects_bit_4"}, judge.FAIL})
	c, err := Compare(old, nw, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Regressions) != 0 || len(c.NewSpecs) != 1 || len(c.Vanished) != 1 {
		t.Errorf("regressions %+v, new %v, vanished %v", c.Regressions, c.NewSpecs, c.Vanished)
	}
}

// A recorded rename (internal/specid/renamed.txt: open opens_it →
// opens_a_zombie) keeps the spec's history: its PASS → FAIL is a
// regression, reworded or not; the same IDs in another suite are not it.
func TestCompareFollowsASpecThroughARecordedRename(t *testing.T) {
	text := "pidfd_open(2) when the process is a zombie opens it"
	for _, newText := range []string{text, "pidfd_open(2) when the process is a zombie opens a pidfd"} {
		old := matrixOf(verdict{judge.Row{Suite: "open", Text: text, ID: "opens_it"}, judge.PASS})
		nw := matrixOf(verdict{judge.Row{Suite: "open", Text: newText, ID: "opens_a_zombie"}, judge.FAIL})
		c, err := Compare(old, nw, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Regressions) != 1 || len(c.NewSpecs) != 0 || len(c.Vanished) != 0 {
			t.Errorf("%q: regressions %v, new %v, vanished %v; want the one regression", newText, c.Regressions, c.NewSpecs, c.Vanished)
		}
	}
	old := matrixOf(verdict{judge.Row{Suite: "signal", Text: "x", ID: "opens_it"}, judge.PASS})
	nw := matrixOf(verdict{judge.Row{Suite: "signal", Text: "y", ID: "opens_a_zombie"}, judge.FAIL})
	c, err := Compare(old, nw, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Regressions) != 0 || len(c.NewSpecs) != 1 || len(c.Vanished) != 1 {
		t.Errorf("renames are per suite: regressions %v, new %v, vanished %v", c.Regressions, c.NewSpecs, c.Vanished)
	}
}
