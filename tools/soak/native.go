package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	"github.com/onsi/ginkgo/v2/types"
)

// nativeStage runs every suite o.n times with go tool ginkgo --repeat, one
// ginkgo per suite so that a flake in one suite does not cut the
// repetitions of the others short.
func nativeStage(o options, t *tally, stage string) error {
	suites, err := filepath.Glob("suites/*/*_suite_test.go")
	if err != nil || len(suites) == 0 {
		return fmt.Errorf("no suites/*/*_suite_test.go under %s: run from the checkout", mustGetwd())
	}
	dirs := map[string]bool{}
	for _, s := range suites {
		dirs[filepath.Dir(s)] = true
	}
	var sorted []string
	for d := range dirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	for _, d := range sorted {
		if err := repeatSuite(o, t, stage, d); err != nil {
			return err
		}
	}
	return nil
}

// failedAttempt is ginkgo's line when an attempt of --repeat fails; it
// stops repeating there.
var failedAttempt = regexp.MustCompile(`Tests failed on attempt #(\d+)`)

// repeatSuite runs one suite o.n times (ginkgo stops at the first failing
// attempt) and tallies its final report: every attempt before the failing
// one passed as a whole, so each spec of the report passed that often,
// plus once more unless it failed in the last attempt.
func repeatSuite(o options, t *tally, stage, dir string) error {
	name := filepath.Base(dir)
	outDir := filepath.Join(o.out, stage, name)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	logPath := filepath.Join(outDir, "ginkgo.log")
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(o.goTool, "tool", "ginkgo", "--no-color", "--repeat="+strconv.Itoa(max(o.n-1, 0)),
		"--json-report=report.json", "--output-dir="+outDir, "./"+dir)
	cmd.Stdout, cmd.Stderr = log, log
	runErr := cmd.Run()
	attempts := o.n
	logText, _ := os.ReadFile(logPath)
	if m := failedAttempt.FindSubmatch(logText); m != nil {
		attempts, _ = strconv.Atoi(string(m[1]))
	} else if runErr != nil {
		attempts = 1 // failed on the first attempt (or did not compile)
	}
	reports, err := readGinkgoReport(filepath.Join(outDir, "report.json"))
	if err != nil {
		t.note("%s %s: no report (%v); ginkgo: %v; see %s", stage, name, err, runErr, logPath)
		return nil
	}
	passed, failed := tallyReport(t, stage, name, reports, attempts)
	fmt.Printf("  %-8s %d attempt(s): %d spec results passed, %d failed (%s)\n", name, attempts, passed, failed, logPath)
	if runErr != nil && failed == 0 {
		t.note("%s %s: ginkgo failed (%v) with no failed spec; see %s", stage, name, runErr, logPath)
	}
	return nil
}

func readGinkgoReport(path string) ([]types.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var reports []types.Report
	return reports, json.Unmarshal(data, &reports)
}

// tallyReport adds every spec of the final report, run attempts times.
func tallyReport(t *tally, stage, suite string, reports []types.Report, attempts int) (passed, failed int) {
	for _, r := range reports {
		for _, sr := range r.SpecReports {
			if sr.LeafNodeType != types.NodeTypeIt {
				continue // suite-level nodes fail the whole run, seen below
			}
			spec := suite + ": " + sr.FullText()
			switch {
			case sr.State == types.SpecStatePassed:
				t.add(stage, spec, attempts, 0)
				passed += attempts
			case sr.State.Is(types.SpecStateFailureStates):
				t.add(stage, spec, attempts-1, 1)
				passed, failed = passed+attempts-1, failed+1
			}
		}
	}
	return passed, failed
}

func mustGetwd() string {
	d, _ := os.Getwd()
	return d
}
