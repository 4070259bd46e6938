package suiterun

import (
	"slices"
	"strings"
)

// load is a suite's share of the suites' time under TCG, in points, on
// Debian 6.1 and on 6.12: the kernels where the suites are slowest against
// the kernel's own selftests, so where their wall time decides the ratio.
type load [2]int

// cost is each suite's load, from guests of each kernel run one at a time
// (two or three each): its share of the specs' run times, plus ~5 ms a
// spec (0.02 points on 6.12, 0.03 on 6.1) for its part of the spec tree
// and its report, which the process pays outside the specs' run times and
// which kept the group of pidfs (205 specs) and signal (103) 1-2 s behind
// the others. The kernels differ: 6.12 runs the pidfs specs 6.1 skips,
// 6.1's setns specs take longer. A suite missing here costs 1 on each; a
// stale figure costs time, never a result.
var cost = map[string]load{
	"signal": {28, 24}, "open": {20, 21}, "setns": {15, 12}, "poll": {12, 16},
	"getfd": {12, 10}, "mm": {8, 6}, "pidfs": {11, 16}, "seccomp": {4, 2},
	"fanotify": {3, 1}, "clone": {2, 2}, "coredump": {0, 0},
}

func costOf(suite string) load {
	if c, ok := cost[suite]; ok {
		return c
	}
	return load{1, 1}
}

// loadOf is what suites cost together on each kernel.
func loadOf(suites []string) load {
	var sum load
	for _, s := range suites {
		for k, c := range costOf(s) {
			sum[k] += c
		}
	}
	return sum
}

// Cost is what suites cost together over the kernels: the order to start
// groups in, the costliest first.
func Cost(suites []string) int {
	sum := 0
	for _, c := range loadOf(suites) {
		sum += c
	}
	return sum
}

// LongestFirst is suites, the costliest first (ties in their given order):
// the order to start suites that run side by side, so no core idles at the
// end while one of them still runs.
func LongestFirst(suites []string) []string {
	order := slices.Clone(suites)
	slices.SortStableFunc(order, func(a, b string) int { return Cost([]string{b}) - Cost([]string{a}) })
	return order
}

// Groups deals suites into at most n groups so that the costliest group,
// on the kernel where it is costliest, costs the least it can: the guest's
// suites take as long as their slowest group. It searches the deals,
// dropping a partial one as costly as the best found (eleven suites take
// a few dozen steps), from a first bound: the deal of each suite to the
// group cheapest so far (longest processing time first). That deal alone
// weighs one sum, not two kernels: with these figures its costliest group
// costs 41 on 6.1, the best deal's 40. The costliest group comes first,
// each group's suites costliest first.
//
// A group runs as one process of the program that links every suite: under
// TCG a suite process's start (the Go runtime and package inits, building
// its spec tree, the kernel config) cost ~0.1-0.4 s of CPU each, and eleven
// of them were about a fifth of the suites' CPU time (Debian 6.1 and 6.12,
// 11 alternating pairs: three groups took 4-30% less wall time and 8-29%
// less CPU than eleven suites; six groups no less than eleven).
func Groups(suites []string, n int) [][]string {
	order := LongestFirst(suites)
	d := dealer{order: order, groups: make([]load, min(max(n, 1), len(order))), at: make([]int, len(order))}
	d.best = d.greedy()
	d.bestWorst = d.worst(d.best)
	d.search(0, 0)
	groups := d.dealt(d.best)
	// A deal as good as any may leave a group empty: one process fewer.
	groups = slices.DeleteFunc(groups, func(g []string) bool { return len(g) == 0 })
	slices.SortStableFunc(groups, func(a, b []string) int { return Cost(b) - Cost(a) })
	return groups
}

// searchBudget bounds the deal's search: with a dozen suites it ends long
// before; past it the best deal found so far stands.
const searchBudget = 1 << 20

// dealer finds the deal of order (the suites, costliest first) into
// len(groups) groups whose costliest group on any kernel costs least.
type dealer struct {
	order     []string
	groups    []load // each group's load so far in the search
	at        []int  // the group of each suite dealt so far in the search
	best      []int  // the group of each suite in the best deal found
	bestWorst int
	steps     int
}

// greedy deals each suite to the group cheapest so far over the kernels:
// the search's first bound.
func (d *dealer) greedy() []int {
	sums := make([]int, len(d.groups))
	at := make([]int, len(d.order))
	for i, s := range d.order {
		at[i] = slices.Index(sums, slices.Min(sums))
		sums[at[i]] += Cost([]string{s})
	}
	return at
}

// dealt is the suites of each group in the deal at.
func (d *dealer) dealt(at []int) [][]string {
	groups := make([][]string, len(d.groups))
	for i, g := range at {
		groups[g] = append(groups[g], d.order[i])
	}
	return groups
}

// worst is what the costliest group of a deal costs on the kernel where
// it is costliest.
func (d *dealer) worst(at []int) int {
	worst := 0
	for _, g := range d.dealt(at) {
		l := loadOf(g)
		worst = max(worst, slices.Max(l[:]))
	}
	return worst
}

// search deals suites i… onto the groups' loads so far, whose costliest
// costs worst, and keeps a deal better than the best so far. Groups are
// interchangeable, so a suite tries at most one group still empty.
func (d *dealer) search(i, worst int) {
	if worst >= d.bestWorst || d.steps >= searchBudget {
		return
	}
	d.steps++
	if i == len(d.order) {
		d.best, d.bestWorst = slices.Clone(d.at), worst
		return
	}
	c := costOf(d.order[i])
	for g, before := range d.groups {
		next := worst
		for k := range c {
			d.groups[g][k] += c[k]
			next = max(next, d.groups[g][k])
		}
		d.at[i] = g
		d.search(i+1, next)
		d.groups[g] = before
		if before == (load{}) {
			break
		}
	}
}

// GroupName is the name of a group's process and its results directory:
// its suites joined by '+', as the program of every suite takes them.
func GroupName(group []string) string { return strings.Join(group, "+") }
