package suiterun

import (
	"slices"
	"strings"
)

// cost is each suite's share of the suites' time under TCG, in percent:
// the mean of Debian 6.1's and 6.12's guests, the kernels where the suites
// are slowest against the selftests (the share of their specs' run times,
// two runs each, in three groups). Dealt by Groups, its costliest group
// holds 35-37% of 6.1's and 6.12's time and 41% of 7.3.4's, where clone
// waits out its quiet windows; the table before it (6.12's shares before
// requirements were decided ahead of the run) left 39-40% in one group on
// each. A suite missing here costs 1; a stale guess costs time, never a
// result.
var cost = map[string]int{
	"signal": 29, "open": 19, "poll": 14, "getfd": 11, "setns": 8, "pidfs": 7,
	"mm": 6, "seccomp": 3, "clone": 2, "fanotify": 2, "coredump": 1,
}

func costOf(suite string) int {
	if c, ok := cost[suite]; ok {
		return c
	}
	return 1
}

// Cost is what suites cost together: a group's cost.
func Cost(suites []string) int {
	sum := 0
	for _, s := range suites {
		sum += costOf(s)
	}
	return sum
}

// LongestFirst is suites, the costliest first (ties in their given order):
// the order to start suites that run side by side, so no core idles at the
// end while one of them still runs.
func LongestFirst(suites []string) []string {
	order := slices.Clone(suites)
	slices.SortStableFunc(order, func(a, b string) int { return costOf(b) - costOf(a) })
	return order
}

// Groups deals suites into at most n groups of about equal cost, the
// costliest group first, each group's suites costliest first (longest
// processing time first: each suite goes to the cheapest group so far).
// A group runs as one process of the program that links every suite: under
// TCG a suite process's start (the Go runtime and package inits, building
// its spec tree, the kernel config) cost ~0.1-0.4 s of CPU each, and eleven
// of them were about a fifth of the suites' CPU time (Debian 6.1 and 6.12,
// 11 alternating pairs: three groups took 4-30% less wall time and 8-29%
// less CPU than eleven suites; six groups no less than eleven).
func Groups(suites []string, n int) [][]string {
	groups := make([][]string, min(max(n, 1), len(suites)))
	for _, s := range LongestFirst(suites) {
		cheapest := 0
		for i := range groups {
			if Cost(groups[i]) < Cost(groups[cheapest]) {
				cheapest = i
			}
		}
		groups[cheapest] = append(groups[cheapest], s)
	}
	slices.SortStableFunc(groups, func(a, b []string) int { return Cost(b) - Cost(a) })
	return groups
}

// GroupName is the name of a group's process and its results directory:
// its suites joined by '+', as the program of every suite takes them.
func GroupName(group []string) string { return strings.Join(group, "+") }
