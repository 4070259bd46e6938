package suiterun

import (
	"slices"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

var allSuites = []string{"clone", "coredump", "fanotify", "getfd", "mm", "open", "pidfs", "poll", "seccomp", "setns", "signal"}

func TestLongestFirstPutsTheLongestFirst(t *testing.T) {
	got := LongestFirst([]string{"clone", "coredump", "fanotify", "new", "pidfs", "signal"})
	want := []string{"signal", "pidfs", "clone", "fanotify", "coredump", "new"}
	if !slices.Equal(got, want) {
		t.Errorf("LongestFirst = %v, want %v", got, want)
	}
}

// Each kernel of the default matrix gets its own profile's deal of every
// suite, into one process a vCPU of the guest's two, and 7.3.4 one more.
func TestGroupsOfEverySuiteOnEachProfile(t *testing.T) {
	for release, want := range map[string][][]string{
		"6.1.0-57-cloud-amd64":       {{"signal", "open", "clone", "seccomp", "coredump"}, {"pidfs", "poll", "setns", "getfd", "mm", "fanotify"}},
		"6.12.118+deb12-cloud-amd64": {{"open", "pidfs", "setns", "mm", "seccomp", "fanotify"}, {"signal", "poll", "clone", "getfd", "coredump"}},
		"7.3.4+deb13-cloud-amd64":    {{"signal", "setns", "getfd"}, {"open", "pidfs", "fanotify"}, {"poll", "clone", "mm", "seccomp", "coredump"}},
	} {
		v, err := kernel.ParseRelease(release)
		if err != nil {
			t.Fatal(err)
		}
		if got := Groups(allSuites, Processes(2, v), v); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%s: Groups = %v, want %v", release, got, want)
		}
	}
}

// A kernel gets the profile of the newest measured kernel whose range it
// is in; the processes are one a vCPU, and one more from 7.1.
func TestProcessesOfAKernel(t *testing.T) {
	for release, want := range map[string]int{"5.10.0": 2, "6.8.12": 2, "6.9.0": 2, "6.18.14": 2, "7.0.0": 2, "7.1.0-rc2": 3, "7.3.4": 3, "8.0": 3} {
		if got := Processes(2, kernel.MustParseVersion(release)); got != want {
			t.Errorf("Processes(2, %s) = %d, want %d", release, got, want)
		}
	}
	if got := Processes(0, kernel.MustParseVersion("6.1")); got != 1 {
		t.Errorf("Processes(0, 6.1) = %d, want 1: no vCPU counted still runs the suites", got)
	}
	for release, want := range map[string]int{"5.10.0": 0, "6.8.12": 0, "6.9.0": 1, "7.0.5": 1, "7.1.0": 2, "9.9.9": 2} {
		if got := profileOf(kernel.MustParseVersion(release)); got != want {
			t.Errorf("profileOf(%s) = %d (%s), want %d (%s)", release, got, profiles[got].measured, want, profiles[want].measured)
		}
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
		for p := range profiles {
			got := groups(c.suites, c.n, p)
			if worst, best := worstGroup(got, p), bestByTryingEveryDeal(c.suites, c.n, p); worst != best {
				t.Errorf("%s: %d groups of %v: %v, whose costliest costs %d; the best deal's costs %d", profiles[p].measured, c.n, c.suites, got, worst, best)
			}
			checkGroups(t, got, c.suites, c.n, p)
		}
	}
}

// checkGroups checks that got holds each of suites once, in no empty
// group, the costliest group on profile p first.
func checkGroups(t *testing.T, got [][]string, suites []string, n, p int) {
	t.Helper()
	var seen []string
	for i, g := range got {
		if len(g) == 0 {
			t.Errorf("%d groups of %v: group %d is empty: %v", n, suites, i, got)
		}
		if i > 0 && loadOf(g)[p] > loadOf(got[i-1])[p] {
			t.Errorf("%d groups of %v: group %d costs more than the one before it: %v", n, suites, i, got)
		}
		seen = append(seen, g...)
	}
	slices.Sort(seen)
	if want := slices.Sorted(slices.Values(suites)); !slices.Equal(seen, want) {
		t.Errorf("%d groups of %v hold %v, not every suite once", n, suites, seen)
	}
}

func worstGroup(groups [][]string, p int) int {
	worst := 0
	for _, g := range groups {
		worst = max(worst, loadOf(g)[p])
	}
	return worst
}

// bestByTryingEveryDeal is the cost of the best deal's costliest group.
func bestByTryingEveryDeal(suites []string, n, p int) int {
	best := -1
	at := make([]int, len(suites))
	var try func(i int)
	try = func(i int) {
		if i == len(suites) {
			groups := make([][]string, n)
			for s, g := range at {
				groups[g] = append(groups[g], suites[s])
			}
			if w := worstGroup(groups, p); best < 0 || w < best {
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
	if got := groups([]string{"open", "new"}, 3, 0); !slices.EqualFunc(got, [][]string{{"open"}, {"new"}}, slices.Equal) {
		t.Errorf("two suites in three groups: %v", got)
	}
	if got := groups(nil, 3, 0); len(got) != 0 {
		t.Errorf("no suites: %v", got)
	}
	if got := groups([]string{"open", "poll"}, 0, 0); !slices.EqualFunc(got, [][]string{{"open", "poll"}}, slices.Equal) {
		t.Errorf("no more than one group: %v", got)
	}
}
