// Command bench times the pidfdconf suites against the kernel's own pidfd
// selftests (built from Debian's linux-source package) on the running kernel,
// in one run, and checks the suites' time budgets.
//
//	go run ./tools/bench [-source 6.12] [-out out/bench] [-strict] [-selftests=false]
//
// Exit codes: 0 measured (and, with -strict, within budget), 1 over budget
// with -strict or a run failed, 3 setup error (no source package, no gcc).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// budgets are the wall-time limits for suites run together natively, as
// root, on an idle machine: the suites wait for events where the kernel
// selftests sleep, so signal+poll (with the 1000-process poll stress) must
// finish within 3 s and getfd+pidfs within 2 s; every suite together
// (nil: all that ran) within 10 s.
var budgets = []struct {
	suites []string
	limit  time.Duration
}{
	{[]string{"signal", "poll"}, 3 * time.Second},
	{[]string{"getfd", "pidfs"}, 2 * time.Second},
	{nil, 10 * time.Second},
}

func main() {
	source := flag.String("source", "6.12", "Debian linux-source version whose selftests to build")
	out := flag.String("out", "out/bench", "directory for bench.json and the runs' output")
	strict := flag.Bool("strict", false, "exit 1 when a suite group is over its time budget")
	withSelftests := flag.Bool("selftests", true, "also build and time the kernel's selftests")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(3, err)
	}
	cache := os.Getenv("CACHE_DIR")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "pidfdconf")
	}

	var selftests []string
	if *withSelftests {
		var err error
		if selftests, err = buildSelftests(cache, *source); err != nil {
			fail(3, err)
		}
	}
	suites, err := buildSuites(*out)
	if err != nil {
		fail(3, err)
	}
	var results []Result
	for _, st := range selftests {
		results = append(results, runSelftest(st, *out))
	}
	for _, s := range suites {
		results = append(results, runSuite(s, *out))
	}
	printTable(os.Stdout, results)
	over := printBudgets(os.Stdout, results)

	data, _ := json.MarshalIndent(results, "", "  ")
	os.WriteFile(filepath.Join(*out, "bench.json"), append(data, '\n'), 0o644)
	fmt.Printf("\nwritten: %s\n", filepath.Join(*out, "bench.json"))
	for _, r := range results {
		if r.Error != "" {
			os.Exit(1)
		}
	}
	if over && *strict {
		os.Exit(1)
	}
}

func fail(code int, err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(code)
}
