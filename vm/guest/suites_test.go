package main

import (
	"slices"
	"testing"
)

func TestRunOrderPutsTheLongestFirst(t *testing.T) {
	got := runOrder([]string{"clone", "coredump", "fanotify", "new", "pidfs", "signal"})
	want := []string{"signal", "pidfs", "clone", "coredump", "fanotify", "new"}
	if !slices.Equal(got, want) {
		t.Errorf("runOrder = %v, want %v", got, want)
	}
}
