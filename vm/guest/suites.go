package main

import (
	"io"
	"runtime"
	"sync"

	"github.com/pidfdconf/pidfdconf/vm/suiterun"
)

// runSuites runs the suites side by side, as `make suites` and the bench
// run them natively: the serial lock (helpers) keeps a Serial spec apart
// from the other suites' specs. One more suite than the guest has vCPUs:
// specs that wait out a quiet window or the serial lock leave their vCPU
// idle, and under TCG those windows are scaled ×4 (7.3.4 alone: suites
// 29.6-31.0 s with two at once, 23.1-26.0 s with three; 6.12, with fewer
// windows, the same within the noise). done gets each suite's record as
// it ends, from one goroutine at a time. Their output shares the console:
// Ginkgo's dots and a failure's lines may interleave there; the reports
// are per suite.
func runSuites(suites []string, console io.Writer, done func(name string, rec suiterun.Record)) {
	work := make(chan string)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(runtime.NumCPU()+1, len(suites)) {
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
	for _, s := range suiterun.LongestFirst(suites) {
		work <- s
	}
	close(work)
	wg.Wait()
}
