// Command catalogue writes or checks conformance/: the list of every spec
// with its behaviour, the test it mirrors, the kernel it needs and its
// labels and its source line, built from a Ginkgo dry run plus the comment
// block above each spec. It fails, naming the file:line and the fix, on
//
//   - a spec ID that breaks internal/specid's rules (ids.go): malformed,
//     meaningless without its Describe/Context, not said by its text, used
//     by another spec, or renamed without a line in internal/specid/renamed.txt;
//
//   - a comment block without Behavior, Mirrors or Since, with a line wider
//     than MaxColumns (block.go), a Mirrors value outside the grammar of
//     internal/mirrors, a line citing an issue number, a § section,
//     DESIGN.md or an unexplained abbreviation (lint.go), or a Behavior
//     line that lacks an errno, constant or syscall its spec's text names
//     (behavior.go), or a Relied on by line outside its grammar (relied.go);
//
//   - a spec whose Since is newer than every gate that reaches it (since.go).
//
// Usage:
//
//	go run ./tools/catalogue -write conformance
//	go run ./tools/catalogue -check conformance   # exit 1 when stale
//	go run ./tools/catalogue -wrap suites         # wrap too-wide metadata lines in place
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

func main() {
	write := flag.String("write", "", "regenerate the catalogue in this directory")
	check := flag.String("check", "", "fail when the catalogue in this directory is stale")
	wrap := flag.String("wrap", "", "wrap the metadata lines wider than MaxColumns in the Go files under this directory, in place")
	flag.Parse()
	if *wrap != "" && *write+*check == "" {
		if err := wrapTree(*wrap); err != nil {
			fmt.Fprintln(os.Stderr, "catalogue:", err)
			os.Exit(1)
		}
		return
	}
	dir := *write + *check
	if dir == "" || (*write != "" && *check != "") || *wrap != "" {
		fmt.Fprintln(os.Stderr, "usage: catalogue -write DIR | -check DIR | -wrap DIR")
		os.Exit(3)
	}
	if err := run(dir, *check != ""); err != nil {
		fmt.Fprintln(os.Stderr, "catalogue:", err)
		os.Exit(1)
	}
}

func run(dir string, check bool) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	reports, err := dryRun(root)
	if err != nil {
		return err
	}
	entries, err := buildEntries(root, reports)
	if err != nil {
		return err
	}
	if err := unrecordedRenames(filepath.Join(dir, "catalogue.json"), entries); err != nil {
		return err
	}
	problems, err := sinceProblems(root, entries)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("specs that older kernels would pass without the behaviour of their Since (since.go):\n  %s", strings.Join(problems, "\n  "))
	}
	files, err := render(entries)
	if err != nil {
		return err
	}
	for name, want := range files {
		path := filepath.Join(dir, name)
		if check {
			have, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(have, want) {
				return fmt.Errorf("%s is stale: run `make catalogue` and commit the result", path)
			}
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// dryRun lists every spec of every suite without running one.
func dryRun(root string) ([]types.Report, error) {
	tmp, err := os.MkdirTemp("", "catalogue")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "tool", "ginkgo", "-r", "--dry-run", "--silence-skips", "--no-color",
		"--output-dir", tmp, "--json-report", "dry.json", "suites")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ginkgo --dry-run failed: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(tmp, "dry.json"))
	if err != nil {
		return nil, err
	}
	var reports []types.Report
	return reports, json.Unmarshal(data, &reports)
}
