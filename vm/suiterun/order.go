package suiterun

import (
	"slices"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// A profile is a kernel of the default matrix on which the suites' costs
// were measured, with the kernels it stands for and how many processes its
// guests run the suites in.
type profile struct {
	measured string // the kernel the figures come from
	from     string // the oldest release it stands for
	// extra is the processes beyond one a vCPU. On 6.1 and 6.12 two
	// groups on two vCPUs beat three: a process fewer to start, and fewer
	// switches between processes, each a flush of the emulated TLB
	// (alternating pairs against three groups: on 6.12 faster in 19 of 27,
	// median 0.94 of the time; on 6.1 in 9 of 10, median 0.88). 7.3.4's
	// specs wait out quiet windows (CLONE_PIDFD_AUTOKILL's, from 7.1) and
	// the serial lock, which a third process fills: two groups took longer
	// in 5 of 7 pairs (median 1.07 times).
	extra int
}

// profiles are the columns of cost, the oldest kernel first; each stands
// for the releases from its own from to the next one's: the pidfs specs
// arrive with 6.9, the waiting clone specs with 7.1.
var profiles = [...]profile{{"6.1", "0.0", 0}, {"6.12", "6.9", 0}, {"7.3.4", "7.1", 1}}

// load is a suite's share of the suites' time under TCG, in thousandths,
// on each profile's kernel. The kernels differ: 7.3.4 runs the pidfs,
// clone and coredump specs the others skip, 6.1 skips most of pidfs.
type load [len(profiles)]int

// cost is each suite's load, from a guest of each kernel run alone: its
// share of its specs' run times (their CPU, their waits, and the vCPU they
// share with the other processes) plus ~5 ms for each spec in its tree,
// run or skipped before it runs, which is what a process spends outside
// its specs (the tree, the report) per spec of its tree. Run times, not
// CPU: dealt by their CPU alone, 7.3.4's three groups took 16-21% longer,
// for the clone specs' quiet windows (11.7 s of run time, 2.1 s of CPU)
// went to one group with the poll and setns specs. A suite missing here
// costs 1 on each; a stale figure costs time, never a result.
var cost = map[string]load{
	"signal": {268, 227, 218}, "open": {191, 187, 168}, "pidfs": {93, 135, 162},
	"poll": {127, 156, 74}, "setns": {136, 109, 60}, "clone": {14, 20, 204},
	"getfd": {69, 96, 55}, "mm": {49, 28, 17}, "seccomp": {26, 24, 12},
	"fanotify": {26, 18, 3}, "coredump": {2, 1, 26},
}

func costOf(suite string) load {
	if c, ok := cost[suite]; ok {
		return c
	}
	return load{1, 1, 1}
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

// Processes is how many suite processes a guest with cpus vCPUs runs side
// by side on kernel v: one a vCPU, and more where v's profile says so.
func Processes(cpus int, v kernel.KernelVersion) int {
	return max(cpus, 1) + profiles[profileOf(v)].extra
}

// Groups deals suites into at most n groups, by their costs on the kernel
// whose profile stands for v (groups).
func Groups(suites []string, n int, v kernel.KernelVersion) [][]string {
	return groups(suites, n, profileOf(v))
}

// profileOf is the profile that stands for kernel v.
func profileOf(v kernel.KernelVersion) int {
	p := 0
	for i, pr := range profiles {
		if v.AtLeast(pr.from) {
			p = i
		}
	}
	return p
}

// groups deals suites into at most n groups so that the costliest group,
// on profile p's kernel, costs the least it can: the guest's suites take
// as long as their slowest group. It searches the deals, dropping a
// partial one as costly as the best found (eleven suites take a few dozen
// steps), from a first bound: the deal of each suite to the group cheapest
// so far (longest processing time first). The costliest group comes first,
// each group's suites costliest first.
//
// A group runs as one process of the program that links every suite: under
// TCG a suite process's start (the Go runtime and package inits, building
// its spec tree, the kernel config) cost ~0.1-0.4 s of CPU each, and eleven
// of them were about a fifth of the suites' CPU time (Debian 6.1 and 6.12,
// 11 alternating pairs: three groups took 4-30% less wall time and 8-29%
// less CPU than eleven suites; six groups no less than eleven).
func groups(suites []string, n, p int) [][]string {
	d := dealer{order: LongestFirst(suites), profile: p}
	d.groups = make([]int, min(max(n, 1), len(d.order)))
	d.at = make([]int, len(d.order))
	d.best = d.greedy()
	d.bestWorst = d.worst(d.best)
	d.search(0, 0)
	groups := d.dealt(d.best)
	// A deal as good as any may leave a group empty: one process fewer.
	groups = slices.DeleteFunc(groups, func(g []string) bool { return len(g) == 0 })
	slices.SortStableFunc(groups, func(a, b []string) int { return loadOf(b)[p] - loadOf(a)[p] })
	return groups
}

// searchBudget bounds the deal's search: with a dozen suites it ends long
// before; past it the best deal found so far stands.
const searchBudget = 1 << 20

// dealer finds the deal of order (the suites, costliest first) into
// len(groups) groups whose costliest group on profile's kernel costs least.
type dealer struct {
	order     []string
	profile   int
	groups    []int // each group's load so far in the search
	at        []int // the group of each suite dealt so far in the search
	best      []int // the group of each suite in the best deal found
	bestWorst int
	steps     int
}

// costOn is what suite costs on the dealer's kernel.
func (d *dealer) costOn(suite string) int { return costOf(suite)[d.profile] }

// greedy deals each suite to the group cheapest so far: the search's
// first bound.
func (d *dealer) greedy() []int {
	sums := make([]int, len(d.groups))
	at := make([]int, len(d.order))
	for i, s := range d.order {
		at[i] = slices.Index(sums, slices.Min(sums))
		sums[at[i]] += d.costOn(s)
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

// worst is what the costliest group of a deal costs.
func (d *dealer) worst(at []int) int {
	worst := 0
	for _, g := range d.dealt(at) {
		worst = max(worst, loadOf(g)[d.profile])
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
	c := d.costOn(d.order[i])
	for g, before := range d.groups {
		d.groups[g] += c
		d.at[i] = g
		d.search(i+1, max(worst, d.groups[g]))
		d.groups[g] = before
		if before == 0 {
			break
		}
	}
}

// GroupName is the name of a group's process and its results directory:
// its suites joined by '+', as the program of every suite takes them.
func GroupName(group []string) string { return strings.Join(group, "+") }
