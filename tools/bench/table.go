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
	fmt.Fprintf(w, "\ntotal: kernel selftests %.2fs, pidfdconf suites %.2fs", selftests.Seconds(), suites.Seconds())
	if selftests > 0 {
		fmt.Fprintf(w, ", ours/theirs %.2f", suites.Seconds()/selftests.Seconds())
	}
	fmt.Fprintln(w)
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

// printVMTable prints one line per kernel: the initramfs, the bare boot,
// the suites' VM and the selftests that ran in it.
func printVMTable(w io.Writer, results []VMResult) {
	if len(results) == 0 {
		return
	}
	fmt.Fprintf(w, "\nVMs (%s, 2 vCPUs, one at a time; suites and selftests timed by the guest in the same VM)\n", results[0].Accel)
	fmt.Fprintf(w, "%-28s %10s %10s %10s %9s %11s %8s %9s %7s\n", "kernel", "initramfs", "+selftests", "bare boot", "(/init at)", "boot+suites", "suites", "selftests", "ours/theirs")
	for _, r := range results {
		fmt.Fprintf(w, "%-28s %8.1fMB %8.1fMB %9.1fs %9.1fs %10.1fs %7.1fs %8.1fs %7.2f\n", r.Kernel,
			mb(r.SuitesBytes), mb(r.SelftestsBytes), r.BareBoot.Seconds(), r.UptimeAtInit.Seconds(),
			r.BootSuites.Seconds(), r.Suites.Seconds(), r.Selftests.Seconds(), r.Ratio)
		fmt.Fprintf(w, "%-28s verdicts: %s%s\n", "", r.Verdicts, r.Error)
	}
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// printVMBudgets reports each kernel's figures against vmBudgets; true if
// any is over.
func printVMBudgets(w io.Writer, results []VMResult) bool {
	over := false
	check := func(kernel, what string, got, limit float64, unit string) {
		verdict := "within budget"
		if got > limit {
			verdict, over = "OVER budget", true
		}
		fmt.Fprintf(w, "budget vm %-28s %-12s %.2f%s of %.2f%s: %s\n", kernel, what, got, unit, limit, unit, verdict)
	}
	for _, r := range results {
		if r.BareBoot > 0 {
			check(r.Kernel, "bare boot", r.BareBoot.Seconds(), vmBudgets.bareBoot.Seconds(), "s")
		}
		check(r.Kernel, "boot+suites", r.BootSuites.Seconds(), vmBudgets.bootSuites.Seconds(), "s")
		if r.Ratio > 0 {
			check(r.Kernel, "ours/theirs", r.Ratio, vmBudgets.ratio, "")
		}
		check(r.Kernel, "initramfs", mb(r.SuitesBytes), mb(vmBudgets.initramfs), "MB")
	}
	return over
}
