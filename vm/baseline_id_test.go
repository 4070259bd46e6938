package vm

import "testing"

type verdict struct {
	Row
	Result
}

// matrixOf is a one-kernel ("k") matrix.json with these rows and results.
func matrixOf(vs ...verdict) *jsonMatrix {
	m := &jsonMatrix{Kernels: []jsonKernel{{Name: "k"}}}
	for _, v := range vs {
		m.Rows = append(m.Rows, jsonRow{Row: v.Row, Cells: map[string]Cell{"k": {Result: v.Result}}})
	}
	return m
}

func TestCompareFollowsASpecThroughARewording(t *testing.T) {
	old := matrixOf(
		verdict{Row{Suite: "open", Text: "rejects flag bit 3", ID: "rejects_flag_bit_3"}, PASS},
		verdict{Row{Suite: "open", Text: "opens a process", ID: "opens_process"}, PASS},
	)
	nw := matrixOf(
		verdict{Row{Suite: "open", Text: "fails with EINVAL for flag bit 3", ID: "rejects_flag_bit_3"}, FAIL},
		verdict{Row{Suite: "open", Text: "opens a process", ID: "opens_process"}, PASS},
	)
	c, err := Compare(old, nw, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.NewSpecs) != 0 || len(c.Vanished) != 0 {
		t.Errorf("the reworded spec was taken for a new one: new %v, vanished %v", c.NewSpecs, c.Vanished)
	}
	if len(c.Regressions) != 1 || c.Regressions[0].Spec != "open: fails with EINVAL for flag bit 3" || c.ExitCode != ExitFail {
		t.Errorf("regressions %+v (exit %d), want the reworded spec's PASS → FAIL", c.Regressions, c.ExitCode)
	}
}

func TestCompareMatchesABaselineWithoutIDsByText(t *testing.T) {
	old := matrixOf(verdict{Row{Suite: "open", Text: "rejects flag bit 3"}, PASS})
	nw := matrixOf(verdict{Row{Suite: "open", Text: "rejects flag bit 3", ID: "rejects_flag_bit_3"}, FAIL})
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
	old := matrixOf(verdict{Row{Suite: "open", Text: "rejects bad flags", ID: "rejects_bit_3"}, PASS})
	nw := matrixOf(verdict{Row{Suite: "open", Text: "rejects bad flags", ID: "rejects_bit_4"}, FAIL})
	c, err := Compare(old, nw, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Regressions) != 0 || len(c.NewSpecs) != 1 || len(c.Vanished) != 1 {
		t.Errorf("regressions %+v, new %v, vanished %v", c.Regressions, c.NewSpecs, c.Vanished)
	}
}
