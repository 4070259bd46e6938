package suiterun

import (
	"slices"
	"testing"
)

func TestLongestFirstPutsTheLongestFirst(t *testing.T) {
	got := LongestFirst([]string{"clone", "coredump", "fanotify", "new", "pidfs", "signal"})
	want := []string{"signal", "pidfs", "clone", "coredump", "fanotify", "new"}
	if !slices.Equal(got, want) {
		t.Errorf("LongestFirst = %v, want %v", got, want)
	}
}
