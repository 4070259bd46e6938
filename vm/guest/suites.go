package main

import (
	"io"
	"runtime"
	"slices"
	"sync"

	"github.com/pidfdconf/pidfdconf/vm/suiterun"
)

// longestFirst are the suites that take longest under TCG (measured on
// Debian 6.1, 6.12 and 7.3.4): they start first so that no vCPU idles at
// the end while one of them is still running. The rest follow in name
// order. A stale guess costs time, never a result.
var longestFirst = []string{"signal", "pidfs", "clone", "open", "poll", "setns"}

// runOrder is suites with longestFirst's at the front.
func runOrder(suites []string) []string {
	order := slices.Clone(suites)
	rank := func(s string) int {
		if i := slices.Index(longestFirst, s); i >= 0 {
			return i
		}
		return len(longestFirst)
	}
	slices.SortStableFunc(order, func(a, b string) int { return rank(a) - rank(b) })
	return order
}

// runSuites runs the suites as many at once as the guest has vCPUs, as
// `make suites` and the bench run them natively: the serial lock (helpers)
// keeps a Serial spec apart from the other suites' specs. done gets each
// suite's record as it ends, from one goroutine at a time. Their output
// shares the console: Ginkgo's dots and a failure's lines may interleave
// there; the reports are per suite.
func runSuites(suites []string, console io.Writer, done func(name string, rec suiterun.Record)) {
	work := make(chan string)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), len(suites)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range work {
				rec := runSuite(name, console)
				mu.Lock()
				done(name, rec)
				mu.Unlock()
			}
		}()
	}
	for _, s := range runOrder(suites) {
		work <- s
	}
	close(work)
	wg.Wait()
}
