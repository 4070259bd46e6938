package kselftest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// CountsScript runs the kernel's KTAP parser over run_kselftest.sh's
// output (relative to the module root).
const CountsScript = "tools/ktap/kselftest_counts.py"

// Program is one KTAP document (or test) as kunit_parser read it.
type Program struct {
	Passed, Failed, Crashed, Skipped, Errors int
	Status                                   string
	Cases                                    []string
	// Results is each case's status by name (SUCCESS, FAILURE, SKIPPED…).
	Results map[string]string
}

// Summary is run_kselftest.sh's output read by kunit_parser: the runner's
// document, whose cases are the programs, and each program's own.
type Summary struct {
	Runner   Program
	Programs map[string]*Program
}

// Parse reads output (what run_kselftest.sh -c Collection printed) with
// the kernel's kunit_parser.py from tools, a directory laid out as a kernel
// tree (KernelTools), through root's tools/ktap/kselftest_counts.py.
func Parse(ctx context.Context, python, root, tools string, output []byte) (Summary, error) {
	var s Summary
	tmp, err := os.MkdirTemp("", "pidfdconf-ktap-")
	if err != nil {
		return s, err
	}
	defer os.RemoveAll(tmp)
	file := filepath.Join(tmp, "run.txt")
	if err := os.WriteFile(file, output, 0o644); err != nil {
		return s, err
	}
	cmd := exec.CommandContext(ctx, python, filepath.Join(root, CountsScript), tools, file, Collection)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	js, err := cmd.Output()
	if err != nil {
		return s, fmt.Errorf("%s: %v: %s", CountsScript, err, setup.LastLine([]byte(stderr.String())))
	}
	if err := json.Unmarshal(js, &s); err != nil {
		return s, fmt.Errorf("%s printed no summary (%v): %s", CountsScript, err, setup.LastLine(js))
	}
	return s, nil
}

// Status is how kunit_parser reads the KTAP line of a spec with verdict v.
func Status(v outcome.Verdict) string {
	switch v {
	case outcome.PASS, outcome.XFAIL:
		return "SUCCESS"
	case outcome.SKIP, outcome.NA:
		return "SKIPPED"
	}
	return "FAILURE"
}
