package selftests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/mirrors"
)

// TestSuitesCiteRealCases checks every pidfd selftest case the suites'
// Mirrors lines cite against the cases the captured selftests (6.1, 6.12,
// 7.3) really report, so that a citation that matches nothing is found here
// and not as a silent NOT RUN in the cross-check. Citations of selftests
// outside tools/testing/selftests/pidfd (net/af_unix's scm_pidfd.c) are not
// run by the cross-check and not checked here.
func TestSuitesCiteRealCases(t *testing.T) {
	var reported []string
	pidfdPrograms := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.tap"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		program := strings.TrimSuffix(filepath.Base(f), ".tap")
		pidfdPrograms[program+".c"] = true
		for _, c := range ParseKTAP(program, data).Cases {
			reported = append(reported, c.ID)
		}
	}
	for _, cited := range suiteCitations(t) {
		if file, _, _ := strings.Cut(cited, " "); !pidfdPrograms[file] && !strings.HasPrefix(file, "pidfd_") {
			continue
		}
		found := false
		for _, r := range reported {
			found = found || Cites(cited, r)
		}
		if !found {
			t.Errorf("a Mirrors line cites %q, which no captured selftest reports", cited)
		}
	}
}

func suiteCitations(t *testing.T) []string {
	var cited []string
	files, _ := filepath.Glob(filepath.Join("..", "..", "suites", "*", "*.go"))
	if len(files) == 0 {
		t.Fatal("no suites found")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for i := range lines {
			if field, ok := mirrors.ReadField(lines, i); ok && field.Name == "Mirrors" {
				cited = append(cited, ParseMirrors(field.Value)...)
			}
		}
	}
	return cited
}
