package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

func printTable(w io.Writer, results []Result) {
	fmt.Fprintf(w, "\n%-9s %-20s %9s %10s %6s %6s %6s\n", "kind", "name", "wall", "max RSS", "pass", "fail", "skip")
	for _, r := range results {
		fmt.Fprintf(w, "%-9s %-20s %8.2fs %8dKB %6d %6d %6d %s\n", r.Kind, r.Name, r.Wall.Seconds(), r.MaxRSSKB, r.Pass, r.Fail, r.Skip, r.Error)
	}
	var selftests, suites time.Duration
	for _, r := range results {
		if r.Kind == "selftest" {
			selftests += r.Wall
		} else {
			suites += r.Wall
		}
	}
	fmt.Fprintf(w, "\ntotal: kernel selftests %.2fs, pidfdconf suites %.2fs\n", selftests.Seconds(), suites.Seconds())
}

// printBudgets reports each suite group against its limit; true if any is over.
func printBudgets(w io.Writer, results []Result) bool {
	over := false
	for _, b := range budgets {
		var sum time.Duration
		found, name := 0, strings.Join(b.suites, "+")
		for _, r := range results {
			if r.Kind == "suite" && (b.suites == nil || slices.Contains(b.suites, r.Name)) {
				sum += r.Wall
				found++
			}
		}
		if b.suites == nil {
			name, found = "all suites", max(found, 1)
		}
		verdict := "within budget"
		switch {
		case found < len(b.suites):
			verdict = "not measured (suite missing)"
		case sum > b.limit:
			verdict = "OVER budget"
			over = true
		}
		fmt.Fprintf(w, "budget %-14s %.2fs of %.1fs: %s\n", name, sum.Seconds(), b.limit.Seconds(), verdict)
	}
	return over
}
