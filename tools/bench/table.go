package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

func printTable(w io.Writer, results []Measurement) {
	fmt.Fprintf(w, "\n%-9s %-20s %9s %10s %6s %6s %6s\n", "kind", "name", "wall", "max RSS", "pass", "fail", "skip")
	for _, r := range results {
		fmt.Fprintf(w, "%-9s %-20s %8.2fs %8dKB %6d %6d %6d %s\n", r.Kind, r.Name, r.Wall.Seconds(), r.MaxRSSKB, r.Pass, r.Fail, r.Skip, r.Error)
	}
	n := nativeTotals(results)
	fmt.Fprintf(w, "\ntotal: kernel selftests %.2fs (%d passing), pidfdconf suites %.2fs (%d passing)",
		n.selftests.Seconds(), n.theirPass, n.suites.Seconds(), n.ourPass)
	if n.selftests > 0 && n.suites > 0 && n.theirPass > 0 {
		fmt.Fprintf(w, ": ours faster by %.1f×, with %.1f× the passing checks", n.faster(), n.checks())
	}
	fmt.Fprintln(w)
}

// totals are the native run's sums, suites against the kernel's selftests.
type totals struct {
	selftests, suites  time.Duration
	theirPass, ourPass int
}

func nativeTotals(results []Measurement) totals {
	var t totals
	for _, r := range results {
		switch r.Kind {
		case "selftest":
			t.selftests += r.Wall
			t.theirPass += r.Pass
		case "suites":
			t.suites, t.ourPass = r.Wall, r.Pass
		}
	}
	return t
}

func (t totals) faster() float64 { return t.selftests.Seconds() / t.suites.Seconds() }
func (t totals) checks() float64 { return float64(t.ourPass) / float64(t.theirPass) }

// nativeTargets: natively the suites beat the kernel's own selftests by
// this much, with this many times their passing checks.
const nativeFaster, nativeChecks = 10, 10

// printBudgets reports each suite group against its limit; true if any is over.
func printBudgets(w io.Writer, results []Measurement) bool {
	over := false
	for _, b := range budgets {
		var sum time.Duration
		found, name := 0, strings.Join(b.suites, "+")
		for _, r := range results {
			if r.Kind == "suite" && slices.Contains(b.suites, r.Name) {
				sum += r.Wall
				found++
			}
		}
		if b.suites == nil {
			name, found, sum = "all suites", 1, nativeTotals(results).suites
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
	if n := nativeTotals(results); n.selftests > 0 && n.suites > 0 && n.theirPass > 0 {
		for _, c := range []struct {
			what        string
			got, target float64
		}{{"faster", n.faster(), nativeFaster}, {"passing checks", n.checks(), nativeChecks}} {
			verdict := "within budget"
			if c.got < c.target {
				verdict, over = "OVER budget", true
			}
			fmt.Fprintf(w, "budget native %-14s %.1f× (target ≥ %.0f×): %s\n", c.what, c.got, c.target, verdict)
		}
	}
	return over
}

// printVMTable prints one line per kernel: the initramfs, the bare boot,
// the column without and with its cross-check, and the suites against the
// kernel's own selftests; then how the jobs shared the machine.
func printVMTable(w io.Writer, results []VMResult, sc Schedule) {
	if len(results) == 0 {
		return
	}
	fmt.Fprintf(w, "\nVMs (%s, 2 vCPUs, one at a time; suites and selftests each timed by their guest)\n", results[0].Accel)
	fmt.Fprintf(w, "%-28s %10s %10s %10s %11s %10s %9s %9s %8s %8s\n", "kernel", "initramfs", "bare boot",
		"suites VM", "+selftests", "overhead", "suites", "selftests", "faster", "checks")
	for _, r := range results {
		fmt.Fprintf(w, "%-28s %8.1fMB %9.1fs %9.1fs %10.1fs %9.1fs %8.1fs %8.1fs %7.1fx %7.1fx\n", r.Kernel,
			mb(r.SuitesBytes), r.BareBoot.Seconds(), r.SuitesVM.Seconds(), (r.SuitesVM + r.SelftestsVM).Seconds(),
			r.Overhead.Seconds(), r.Suites.Seconds(), r.Selftests.Seconds(), r.Faster, r.Checks)
		fmt.Fprintf(w, "%-28s verdicts: %s%s\n", "", r.Verdicts, r.Error)
		if len(r.SuitesRuns) > 1 {
			fmt.Fprintf(w, "%-28s suites: the median of %d runs (%s)\n", "", len(r.SuitesRuns), seconds(r.SuitesRuns))
		}
		if len(r.SelftestsRuns) > 1 {
			fmt.Fprintf(w, "%-28s selftests: the median of %d runs (%s); faster: the median of each run's (%s)\n", "",
				len(r.SelftestsRuns), seconds(r.SelftestsRuns), times(r.Ratios))
		}
		if r.SuitesCPU > 0 {
			fmt.Fprintf(w, "%-28s suites' CPU, helpers included: %.1fs, %.0f%% of the vCPUs over their %.1fs\n", "",
				r.SuitesCPU.Seconds(), 100*r.Busy, r.Suites.Seconds())
		}
	}
	if sc.Work > 0 {
		fmt.Fprintf(w, "schedule: %.1fs of VM work on %d at once took %.1fs, %.2f× an even spread\n",
			sc.Work.Seconds(), sc.Jobs, sc.Wall.Seconds(), sc.Spread)
	}
}

// seconds lists durations as "7.1s 6.8s …".
func seconds(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%.1fs", d.Seconds()))
	}
	return strings.Join(parts, " ")
}

// times lists ratios as "4.8× 5.1× …".
func times(xs []float64) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, fmt.Sprintf("%.1f×", x))
	}
	return strings.Join(parts, " ")
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// vmBudgets are the targets of the VM figures, set for TCG on the 2-core
// host the project runs on (KVM stays far inside them): the initramfs every
// VM copies in at boot, a column's time beyond its boots and specs, how
// evenly the jobs fill the cores, and the suites against the kernel's own
// selftests in the same kind of VM (faster by, with more passing checks).
var vmBudgets = struct {
	initramfs      int64
	overhead       time.Duration
	spread         float64
	faster, checks float64
}{25 << 20, 5 * time.Second, 1.15, 5, 4}

// printVMBudgets reports each kernel's figures against vmBudgets; true if
// any is over.
func printVMBudgets(w io.Writer, results []VMResult, sc Schedule) bool {
	over := false
	check := func(kernel, what string, ok bool, got, limit string) {
		verdict := "within budget"
		if !ok {
			verdict, over = "OVER budget", true
		}
		fmt.Fprintf(w, "budget vm %-28s %-14s %s (target %s): %s\n", kernel, what, got, limit, verdict)
	}
	for _, r := range results {
		check(r.Kernel, "initramfs", r.SuitesBytes <= vmBudgets.initramfs, fmt.Sprintf("%.1fMB", mb(r.SuitesBytes)), fmt.Sprintf("≤ %.0fMB", mb(vmBudgets.initramfs)))
		check(r.Kernel, "overhead", r.Overhead <= vmBudgets.overhead, fmt.Sprintf("%.1fs", r.Overhead.Seconds()), fmt.Sprintf("≤ %.0fs", vmBudgets.overhead.Seconds()))
		if r.Selftests > 0 {
			check(r.Kernel, "faster", r.Faster >= vmBudgets.faster, fmt.Sprintf("%.1f×", r.Faster), fmt.Sprintf("≥ %.0f×", vmBudgets.faster))
			check(r.Kernel, "passing checks", r.Checks >= vmBudgets.checks, fmt.Sprintf("%.1f×", r.Checks), fmt.Sprintf("≥ %.0f×", vmBudgets.checks))
		}
	}
	if sc.Work > 0 {
		check("(all columns)", "schedule", sc.Spread <= vmBudgets.spread, fmt.Sprintf("%.2f×", sc.Spread), fmt.Sprintf("≤ %.2f× an even spread", vmBudgets.spread))
	}
	return over
}
