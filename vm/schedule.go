package vm

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/report"
)

// A job is one VM (or the native run) of a run: a column's suites, or the
// kernel's own selftests in a VM of their own.
type job struct {
	col       *column
	selftests bool
	kselftest bool // the suites under the kernel's kselftest runner
	estimate  time.Duration
}

// key names the job across runs: its kernel and what it runs.
func (j job) key() string {
	if j.selftests {
		return j.col.k.Name + " selftests"
	}
	if j.kselftest {
		return j.col.k.Name + " kselftest"
	}
	return j.col.k.Name + " suites"
}

// Until a run has measured a job, its estimate: under TCG the kernel's own
// selftests of a 7.x kernel run longest (minutes), the suites next.
var defaultEstimate = map[bool]time.Duration{false: 2 * time.Minute, true: 3 * time.Minute}

// planJobs lists every column's jobs, longest first by the time each took
// the last time it ran (remembered in the cache): with the longest jobs
// started first, no core idles at the end while one long VM runs alone.
func planJobs(c cache.Cache, cols []*column) []job {
	took := loadTimings(c)
	var jobs []job
	for _, col := range cols {
		jobs = append(jobs, job{col: col})
		if col.kr.SelftestSource != "" {
			jobs = append(jobs, job{col: col, selftests: true})
		}
		if col.b != nil && col.b.kselftest != nil && col.k.Spec.Kind != kernels.KindHost && col.k.Unsupported == "" {
			jobs = append(jobs, job{col: col, kselftest: true})
		}
	}
	for i := range jobs {
		jobs[i].estimate = defaultEstimate[jobs[i].selftests || jobs[i].kselftest]
		if d, ok := took[jobs[i].key()]; ok {
			jobs[i].estimate = d
		}
	}
	sort.SliceStable(jobs, func(a, b int) bool { return jobs[a].estimate > jobs[b].estimate })
	return jobs
}

// runJobs runs the jobs, at most cfg.Jobs at once, in order, and
// remembers how long each took for the next run's plan.
func runJobs(ctx context.Context, cfg RunConfig, jobs []job) judge.Schedule {
	start := time.Now()
	sched := judge.Schedule{Jobs: min(cfg.Jobs, max(1, len(jobs)))}
	queue := make(chan job)
	var mu sync.Mutex
	took := loadTimings(cfg.Cache)
	var wg sync.WaitGroup
	for range sched.Jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				start := time.Now()
				if j.kselftest {
					j.col.runKselftest(ctx)
					cfg.logf("done %-28s run_kselftest.sh in %s", j.col.k.Name, format.Duration(time.Since(start)))
				} else if j.selftests {
					j.col.runSelftests(ctx)
					cfg.logf("done %-28s the kernel's own selftests in %s", j.col.k.Name, format.Duration(time.Since(start)))
				} else {
					j.col.runSuites(ctx)
					cfg.logf("done %-28s %s", j.col.k.Name, report.Timing(j.col.kr))
				}
				mu.Lock()
				took[j.key()] = time.Since(start)
				sched.Work += took[j.key()]
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		queue <- j
	}
	close(queue)
	wg.Wait()
	if ctx.Err() == nil {
		saveTimings(cfg.Cache, took)
	}
	sched.Wall = time.Since(start)
	return sched
}

// timingsFile keeps how long each job took last time, by job key.
func timingsFile(c cache.Cache) string { return filepath.Join(c.Dir, "timings.json") }

func loadTimings(c cache.Cache) map[string]time.Duration {
	took := map[string]time.Duration{}
	if b, err := os.ReadFile(timingsFile(c)); err == nil {
		_ = json.Unmarshal(b, &took)
	}
	return took
}

func saveTimings(c cache.Cache, took map[string]time.Duration) {
	if b, err := json.Marshal(took); err == nil {
		tmp := timingsFile(c) + ".tmp"
		if os.WriteFile(tmp, b, 0o644) == nil {
			_ = os.Rename(tmp, timingsFile(c))
		}
	}
}
