package selftests

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*/cases.golden from the captured outputs")

// TestParseKTAPCaptured parses real output of the 6.1, 6.12 and 7.3 pidfd
// selftests, captured on a 6.18 host as root (diagnostic lines trimmed),
// against golden case lists checked by hand.
func TestParseKTAPCaptured(t *testing.T) {
	for _, version := range []string{"6.1", "6.12", "7.3"} {
		files, _ := filepath.Glob(filepath.Join("testdata", version, "*.tap"))
		if len(files) == 0 {
			t.Fatalf("no captured output for %s", version)
		}
		var lines []string
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			o := ParseKTAP(strings.TrimSuffix(filepath.Base(f), ".tap"), data)
			for _, c := range o.Cases {
				lines = append(lines, strings.TrimSpace(string(c.Result)+" "+c.ID+" "+c.Reason))
			}
		}
		got := strings.Join(lines, "\n") + "\n"
		golden := filepath.Join("testdata", version, "cases.golden")
		if *update {
			os.WriteFile(golden, []byte(got), 0o644)
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s: parsed cases differ from %s:\n%s", version, golden, got)
		}
	}
}
