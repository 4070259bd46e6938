package main

import (
	"fmt"
	"io"
	"sort"
)

// tally counts, per spec and stage, how often it passed and failed.
type tally struct {
	counts map[string]*count // by "stage | spec"
	notes  []string          // runs that produced no per-spec results
}

type count struct{ pass, fail int }

func newTally() *tally { return &tally{counts: map[string]*count{}} }

func (t *tally) add(stage, spec string, pass, fail int) {
	key := stage + " | " + spec
	c := t.counts[key]
	if c == nil {
		c = &count{}
		t.counts[key] = c
	}
	c.pass += pass
	c.fail += fail
}

func (t *tally) note(format string, args ...any) {
	t.notes = append(t.notes, fmt.Sprintf(format, args...))
}

// print writes the flake table (passed and failed), the consistent
// failures (never passed) and the notes; it reports whether any exist.
func (t *tally) print(w io.Writer) (bad bool) {
	var flaky, failing []string
	for k, c := range t.counts {
		switch {
		case c.fail > 0 && c.pass > 0:
			flaky = append(flaky, k)
		case c.fail > 0:
			failing = append(failing, k)
		}
	}
	sort.Strings(flaky)
	sort.Strings(failing)
	fmt.Fprintf(w, "\nflakes: %d spec(s) both passed and failed (%d specs tallied)\n", len(flaky), len(t.counts))
	for _, k := range flaky {
		fmt.Fprintf(w, "  FLAKE %4d pass %4d fail  %s\n", t.counts[k].pass, t.counts[k].fail, k)
	}
	fmt.Fprintf(w, "failures: %d spec(s) never passed\n", len(failing))
	for _, k := range failing {
		fmt.Fprintf(w, "  FAIL  %4d fail  %s\n", t.counts[k].fail, k)
	}
	for _, n := range t.notes {
		fmt.Fprintf(w, "  RUN   %s\n", n)
	}
	return len(flaky)+len(failing)+len(t.notes) > 0
}
