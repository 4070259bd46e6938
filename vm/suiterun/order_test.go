package suiterun

import (
	"slices"
	"testing"
)

func TestLongestFirstPutsTheLongestFirst(t *testing.T) {
	got := LongestFirst([]string{"clone", "coredump", "fanotify", "new", "pidfs", "signal"})
	want := []string{"signal", "pidfs", "clone", "fanotify", "coredump", "new"}
	if !slices.Equal(got, want) {
		t.Errorf("LongestFirst = %v, want %v", got, want)
	}
}

func TestGroupsSpreadTheCostEvenly(t *testing.T) {
	all := []string{"clone", "coredump", "fanotify", "getfd", "mm", "open", "pidfs", "poll", "seccomp", "setns", "signal"}
	got := Groups(all, 3)
	want := [][]string{{"signal", "seccomp", "clone"}, {"open", "setns", "mm", "coredump"}, {"poll", "getfd", "pidfs", "fanotify"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("Groups = %v, want %v", got, want)
	}
	var seen []string
	for _, g := range got {
		seen = append(seen, g...)
	}
	slices.Sort(seen)
	if !slices.Equal(seen, all) {
		t.Errorf("the groups hold %v, not every suite once", seen)
	}
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
