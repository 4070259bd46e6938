package suiterun

import (
	"slices"
	"testing"
)

var allSuites = []string{"clone", "coredump", "fanotify", "getfd", "mm", "open", "pidfs", "poll", "seccomp", "setns", "signal"}

func TestLongestFirstPutsTheLongestFirst(t *testing.T) {
	got := LongestFirst([]string{"clone", "coredump", "fanotify", "new", "pidfs", "signal"})
	want := []string{"signal", "pidfs", "clone", "fanotify", "new", "coredump"}
	if !slices.Equal(got, want) {
		t.Errorf("LongestFirst = %v, want %v", got, want)
	}
}

// The deal of every suite into the guest's three groups: no group holds
// more than 40% of the figures of 6.1 or 6.12 (whose sum is about 115).
func TestGroupsOfEverySuite(t *testing.T) {
	got := Groups(allSuites, 3)
	want := [][]string{{"signal", "poll", "coredump"}, {"open", "pidfs", "seccomp", "fanotify"}, {"setns", "getfd", "mm", "clone"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("Groups = %v, want %v", got, want)
	}
}

// Groups finds a deal as good as the best of all deals, each suite in one
// group, no group empty, the costliest group first.
func TestGroupsDealsAsWellAsTryingEveryDeal(t *testing.T) {
	for _, c := range []struct {
		suites []string
		n      int
	}{
		{allSuites, 3}, {allSuites, 2}, {allSuites[:9], 4}, {allSuites[:7], 3},
		{[]string{"signal", "open", "new", "other", "coredump"}, 3},
	} {
		got := Groups(c.suites, c.n)
		if worst, best := worstGroup(got), bestByTryingEveryDeal(c.suites, c.n); worst != best {
			t.Errorf("%d groups of %v: %v, whose costliest costs %d; the best deal's costs %d", c.n, c.suites, got, worst, best)
		}
		var seen []string
		for i, g := range got {
			if len(g) == 0 {
				t.Errorf("%d groups of %v: group %d is empty: %v", c.n, c.suites, i, got)
			}
			if i > 0 && Cost(g) > Cost(got[i-1]) {
				t.Errorf("%d groups of %v: group %d costs more than the one before it: %v", c.n, c.suites, i, got)
			}
			seen = append(seen, g...)
		}
		slices.Sort(seen)
		if want := slices.Sorted(slices.Values(c.suites)); !slices.Equal(seen, want) {
			t.Errorf("%d groups of %v hold %v, not every suite once", c.n, c.suites, seen)
		}
	}
}

func worstGroup(groups [][]string) int {
	worst := 0
	for _, g := range groups {
		l := loadOf(g)
		worst = max(worst, slices.Max(l[:]))
	}
	return worst
}

// bestByTryingEveryDeal is the cost of the best deal's costliest group.
func bestByTryingEveryDeal(suites []string, n int) int {
	best := -1
	at := make([]int, len(suites))
	var try func(i int)
	try = func(i int) {
		if i == len(suites) {
			groups := make([][]string, n)
			for s, g := range at {
				groups[g] = append(groups[g], suites[s])
			}
			if w := worstGroup(groups); best < 0 || w < best {
				best = w
			}
			return
		}
		for g := range n {
			at[i] = g
			try(i + 1)
		}
	}
	try(0)
	return best
}

func TestGroupsOfFewSuites(t *testing.T) {
	if got := Groups([]string{"open", "new"}, 3); !slices.EqualFunc(got, [][]string{{"open"}, {"new"}}, slices.Equal) {
		t.Errorf("two suites in three groups: %v", got)
	}
	if got := Groups(nil, 3); len(got) != 0 {
		t.Errorf("no suites: %v", got)
	}
	if got := Groups([]string{"open", "poll"}, 0); !slices.EqualFunc(got, [][]string{{"open", "poll"}}, slices.Equal) {
		t.Errorf("no more than one group: %v", got)
	}
}
