package main

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/suiterun"
)

// A process is one suite process of the guest: a suite's own test binary,
// or a group of suites in one process of the program that links them all.
type process struct {
	name   string // the suite, or its group's suiterun.GroupName
	bin    string
	suites []string
}

// grouped says whether p runs several suites, each one's reports in a
// directory of its own.
func (p process) grouped() bool { return len(p.suites) > 1 }

// plan puts the suites of dir into processes: those that are links to one
// program (the program of every suite) into n groups of about equal cost
// on kernel v (suiterun.Groups), a suite binary of its own alone.
func plan(dir string, suites []string, n int, v kernel.KernelVersion) []process {
	linked := map[string][]string{} // the program → its suites
	var procs []process
	for _, s := range suites {
		bin := filepath.Join(dir, s+".test")
		if target, err := os.Readlink(bin); err == nil && filepath.Base(target) == target {
			linked[target] = append(linked[target], s)
			continue
		}
		procs = append(procs, process{name: s, bin: bin, suites: []string{s}})
	}
	for program, group := range linked {
		for _, g := range suiterun.Groups(group, n, v) {
			p := process{name: suiterun.GroupName(g), bin: filepath.Join(dir, program), suites: g}
			if !p.grouped() {
				p.bin = filepath.Join(dir, g[0]+".test")
			}
			procs = append(procs, p)
		}
	}
	return procs
}

// runSuites runs the suites side by side, as `make suites` and the bench
// run them natively: the serial lock (helpers) keeps a Serial spec apart
// from the other suites' specs. As many processes as kernel v's
// profile takes (suiterun.Processes): one a vCPU, one more where the
// specs wait enough to leave a vCPU idle. done gets each suite's record as
// its process ends, from one goroutine at a time. Their output shares the
// console: Ginkgo's dots and a failure's lines may interleave there; the
// reports are per suite.
func runSuites(suites []string, v kernel.KernelVersion, console io.Writer, done func(name string, rec suiterun.Record)) {
	workers := suiterun.Processes(runtime.NumCPU(), v)
	procs := plan(suitesDir, suites, workers, v)
	work := make(chan process)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(workers, len(procs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				rec := runProcess(p, console)
				mu.Lock()
				for _, s := range p.suites {
					done(s, recordOf(p, s, rec))
				}
				mu.Unlock()
			}
		}()
	}
	for _, p := range longestFirst(procs) {
		work <- p
	}
	close(work)
	wg.Wait()
}

// recordOf is suite s's share of its process's record: the process's
// ending and times, and s's report.
func recordOf(p process, s string, rec suiterun.Record) suiterun.Record {
	run := rec.Run
	run.Suite = s
	if p.grouped() {
		run.Process = p.name
	}
	out := suiterun.Record{Run: run, Reports: map[string][]byte{}}
	if report, ok := rec.Reports[s]; ok {
		out.Reports[s] = report
	}
	return out
}

// longestFirst orders processes by their suites' cost, the costliest first.
func longestFirst(procs []process) []process {
	order := slices.Clone(procs)
	slices.SortStableFunc(order, func(a, b process) int { return suiterun.Cost(b.suites) - suiterun.Cost(a.suites) })
	return order
}
