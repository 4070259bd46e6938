package gate

import (
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/report"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// withArchitectures rewrites a fabricated matrix.json with an architecture
// per column.
func withArchitectures(t *testing.T, path string, arch map[string]string) string {
	t.Helper()
	m, err := LoadMatrixJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range m.Kernels {
		m.Kernels[i].Arch, m.Kernels[i].Architecture = arch[k.Name], arch[k.Name]
	}
	if err := report.WriteJSON(path, *m); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCompareOnlyPairsColumnsOfOneArchitecture(t *testing.T) {
	old := withArchitectures(t, fabricatedMatrix(t, []string{"7.3.4", "7.3.4-arm"}, allPass), map[string]string{"7.3.4": "amd64", "7.3.4-arm": "arm64"})
	// The same names, the architectures swapped: nothing may pair.
	nw := withArchitectures(t, fabricatedMatrix(t, []string{"7.3.4", "7.3.4-arm"}, allPass), map[string]string{"7.3.4": "arm64", "7.3.4-arm": "amd64"})
	c := compareFiles(t, old, nw, nil)
	if len(c.Pairs) != 0 || len(c.UnmatchedOld) != 2 || len(c.UnmatchedNew) != 2 {
		t.Errorf("columns of different architectures paired by name: %+v", c.Pairs)
	}
	if _, err := CompareFiles(old, nw, map[string]string{"7.3.4": "7.3.4"}); !setup.IsError(err) || !strings.Contains(err.Error(), "architectures") {
		t.Errorf("a map across architectures: %v, want a setup error naming the architectures", err)
	}
	same := withArchitectures(t, fabricatedMatrix(t, []string{"7.3.4", "7.3.4-arm"}, allPass), map[string]string{"7.3.4": "amd64", "7.3.4-arm": "arm64"})
	if c := compareFiles(t, old, same, nil); len(c.Pairs) != 2 {
		t.Errorf("columns of one architecture did not pair: %+v", c)
	}
	// A compat column is not its kernel's native column.
	compat := withArchitectures(t, fabricatedMatrix(t, []string{"7.3.4", "7.3.4-arm"}, allPass), map[string]string{"7.3.4": "386 on amd64", "7.3.4-arm": "arm64"})
	if c := compareFiles(t, old, compat, nil); len(c.Pairs) != 1 || c.Pairs[0].Old != "7.3.4-arm" {
		t.Errorf("a compat column paired with a native one: %+v", c.Pairs)
	}
}

func TestBaselineWithoutArchitectureField(t *testing.T) {
	// A matrix.json written before the architecture field: arch alone.
	old := fabricatedMatrix(t, []string{"7.3.4"}, allPass)
	m, _ := LoadMatrixJSON(old)
	m.Kernels[0].Arch = "amd64"
	report.WriteJSON(old, *m)
	nw := withArchitectures(t, fabricatedMatrix(t, []string{"7.3.4"}, allPass), map[string]string{"7.3.4": "amd64"})
	if c := compareFiles(t, old, nw, nil); len(c.Pairs) != 1 {
		t.Errorf("an old baseline's amd64 column did not pair: %+v", c)
	}
}
