package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/selftests"
	"github.com/pidfdconf/pidfdconf/vm"
	"github.com/pidfdconf/pidfdconf/vm/boot"
	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// VMResult is one kernel's VM figures. The suites run in one VM and the
// kernel's own selftests in another of the same kernel, each alone on the
// machine: beside another VM the suites, which keep their vCPUs busy, lost
// half their speed, while the selftests, which mostly sleep, lost none, and
// the ratio measured the neighbour. Suites and Selftests are the guests'
// own clocks, so their ratio is free of boot and host noise.
type VMResult struct {
	Kernel       string        `json:"kernel"`
	Accel        string        `json:"accel"`
	SuitesBytes  int64         `json:"initramfs_suites_bytes"`
	BareBoot     time.Duration `json:"bare_boot_ns"`      // QEMU start to exit, /init alone
	UptimeAtInit time.Duration `json:"uptime_at_init_ns"` // of the bare boot, guest clock
	SuitesVM     time.Duration `json:"suites_vm_ns"`      // the column without its cross-check
	SelftestsVM  time.Duration `json:"selftests_vm_ns"`   // the cross-check's own VM
	Suites       time.Duration `json:"suites_ns"`         // in the guest, every suite binary: the median run's
	Selftests    time.Duration `json:"selftests_ns"`      // in their guest, every program: the median run's
	// SuitesRuns and SelftestsRuns are every run's, in the order they
	// ran; Ratios each run's selftests over its suites.
	SuitesRuns    []time.Duration `json:"suites_runs_ns"`
	SelftestsRuns []time.Duration `json:"selftests_runs_ns,omitempty"`
	Ratios        []float64       `json:"ratios,omitempty"`
	// SuitesCPU is the CPU time of the suites and the helpers they
	// reaped; Busy is its share of the vCPUs over Suites: near 1, the
	// suites are bound by the emulated CPU, not by their waits.
	SuitesCPU time.Duration `json:"suites_cpu_ns"`
	Busy      float64       `json:"suites_vcpu_busy"`
	// Overhead is the column's time beyond both boots, the suites and the
	// selftests: QEMU, probes, streaming, power-off.
	Overhead time.Duration `json:"overhead_ns"`
	Faster   float64       `json:"ours_faster_by"`     // the median of Ratios
	Checks   float64       `json:"passing_checks_x"`   // our PASS cells / their passing cases
	Verdicts string        `json:"verdicts,omitempty"` // the kernel's column, counted
	Error    string        `json:"error,omitempty"`
}

// Schedule is how the matrix of the VM figures shared the machine.
type Schedule struct {
	Wall, Work time.Duration
	Jobs       int
	Spread     float64 `json:"wall_over_even_spread"` // Wall / (Work / Jobs)
}

// benchVMs runs the matrix of kernels one VM at a time for each column's
// figures, runs times in all (the figures are the medians);
// then as `make matrix` does (every job scheduled over the cores, the
// selftests in VMs of their own) for how the schedule shares the machine;
// then a bare boot of each kernel for the fixed cost.
func benchVMs(ctx context.Context, kernelList, out, cacheDir string, selftests bool, runs int) ([]VMResult, Schedule, error) {
	root, err := image.ModuleRoot(".")
	if err != nil {
		return nil, Schedule{}, err
	}
	specs, err := vmSpecs(kernelList)
	if err != nil || len(specs) == 0 {
		return nil, Schedule{}, err
	}
	exps, err := judge.DefaultExpectations()
	if err != nil {
		return nil, Schedule{}, err
	}
	cfg := vm.RunConfig{Root: root, Out: filepath.Join(out, "vm"), Specs: specs, Selftests: selftests, Jobs: 1,
		VMTimeout: 10 * time.Minute, CPUs: 2, Cache: cache.Cache{Dir: cacheDir}, Log: os.Stderr, Expectations: exps}
	m, err := vm.Run(ctx, cfg)
	if err != nil {
		return nil, Schedule{}, err
	}
	var results []VMResult
	for _, kr := range m.Kernels {
		r := vmFigures(m, kr, selftests)
		bare, err := vm.BootBare(ctx, cfg, kr.Kernel, bareDir(out, kr.Kernel.Name))
		if err != nil {
			r.Error = err.Error()
		}
		r.BareBoot, r.UptimeAtInit = bare.Wall, bare.UptimeAtInit
		results = append(results, r)
	}
	if err := rerunColumns(ctx, cfg, results, runs, out); err != nil {
		return nil, Schedule{}, err
	}
	shared := cfg
	shared.Jobs, shared.Out = 0, filepath.Join(out, "vm-schedule")
	ms, err := vm.Run(ctx, shared)
	if err != nil {
		return nil, Schedule{}, err
	}
	sc := Schedule{Wall: ms.Schedule.Wall, Work: ms.Schedule.Work, Jobs: ms.Schedule.Jobs}
	if sc.Work > 0 {
		sc.Spread = sc.Wall.Seconds() / (sc.Work.Seconds() / float64(sc.Jobs))
	}
	return results, sc, nil
}

// rerunColumns runs every column (its suites and, when wanted, its
// selftests) until each has runs runs, then gives each result the median
// figures: one run moved by up to half on the 2-core host, the suites
// (6.12: 11.1 and 17.0 s in two benches of the same code) and the selftests
// alike (6.12's pidfd_poll_test: 23.8 and 41.5 s), more than any change
// the bench measures. A run whose verdicts differ from the first's is an
// error: a spec that flips between runs is news, not noise.
func rerunColumns(ctx context.Context, cfg vm.RunConfig, results []VMResult, runs int, out string) error {
	samples := make([][]columnRun, len(results))
	for i, r := range results {
		samples[i] = []columnRun{{r.Suites, r.SuitesCPU, r.Selftests}}
	}
	for n := 1; n < runs; n++ {
		again := cfg
		again.Out = filepath.Join(out, fmt.Sprintf("vm-rerun-%d", n))
		m, err := vm.Run(ctx, again)
		if err != nil {
			return err
		}
		for _, kr := range m.Kernels {
			i := slices.IndexFunc(results, func(r VMResult) bool { return r.Kernel == kr.Kernel.Name })
			if i < 0 {
				continue
			}
			run := columnRun{suites: kr.Suite, cpu: kr.SuiteCPU}
			var problem string
			run.selftests, _, problem = selftestFigures(kr, cfg.Selftests)
			if v := verdicts(m, kr); v != results[i].Verdicts {
				problem = fmt.Sprintf("verdicts differ: %s", v)
			}
			if problem != "" && results[i].Error == "" {
				results[i].Error = fmt.Sprintf("run %d: %s (see %s)", n+1, problem, again.Out)
			}
			samples[i] = append(samples[i], run)
		}
	}
	for i := range results {
		results[i].takeMedians(samples[i], cfg.CPUs)
	}
	return nil
}

// columnRun is one run of a column: its suites' time in the guest and
// their CPU, and its selftests' time in theirs (0: not run).
type columnRun struct{ suites, cpu, selftests time.Duration }

// takeMedians records runs and takes the suites' figures of the median
// run by time (the upper of the two middle ones for an even count), the
// median selftests' time, and as the ratio the median of each run's own:
// a run's suites and selftests ran a minute or two apart, the runs eight
// minutes apart (a whole matrix each), so a run's ratio is the least moved
// by how fast the host was at the time (the lower of the two middle ones
// for an even count, as the suites take the upper).
func (r *VMResult) takeMedians(runs []columnRun, cpus int) {
	r.SuitesRuns, r.SelftestsRuns, r.Ratios = nil, nil, nil
	for _, run := range runs {
		r.SuitesRuns = append(r.SuitesRuns, run.suites)
		if run.selftests > 0 {
			r.SelftestsRuns = append(r.SelftestsRuns, run.selftests)
			if run.suites > 0 {
				r.Ratios = append(r.Ratios, run.selftests.Seconds()/run.suites.Seconds())
			}
		}
	}
	bySuites := slices.SortedFunc(slices.Values(runs), func(a, b columnRun) int { return cmp.Compare(a.suites, b.suites) })
	median := bySuites[len(bySuites)/2]
	r.Suites, r.SuitesCPU = median.suites, median.cpu
	r.Selftests, r.Faster, r.Busy = 0, 0, 0
	if n := len(r.SelftestsRuns); n > 0 {
		r.Selftests = slices.Sorted(slices.Values(r.SelftestsRuns))[n/2]
	}
	if n := len(r.Ratios); n > 0 {
		r.Faster = slices.Sorted(slices.Values(r.Ratios))[(n-1)/2]
	}
	if r.Suites > 0 && cpus > 0 {
		r.Busy = r.SuitesCPU.Seconds() / (r.Suites.Seconds() * float64(cpus))
	}
}

// vmSpecs are the -vm-kernels specs without the host (it has no VM);
// "none" means no VM figures.
func vmSpecs(list string) ([]kernels.KernelSpec, error) {
	if list == "none" {
		return nil, nil
	}
	all, err := kernels.ParseKernelList(list, kernels.SmokeKernels)
	var specs []kernels.KernelSpec
	for _, s := range all {
		if s.Kind != kernels.KindHost {
			specs = append(specs, s)
		}
	}
	return specs, err
}

func bareDir(out, kernel string) string {
	dir := filepath.Join(out, "vm", "bare", filepath.Base(kernel))
	os.MkdirAll(dir, 0o755)
	return dir
}

// vmFigures reads one kernel's figures from its matrix column; the ratio
// and the suites' share of the vCPUs come with the medians.
func vmFigures(m *judge.Matrix, kr *judge.KernelRun, selftestsWanted bool) VMResult {
	r := VMResult{Kernel: kr.Kernel.Name, Accel: boot.Accel{KVM: kr.Accel == "KVM", Why: kr.AccelWhy}.String(), Suites: kr.Suite, Verdicts: verdicts(m, kr),
		SuitesVM: kr.Wall, SelftestsVM: kr.SelftestWall, SuitesCPU: kr.SuiteCPU}
	for _, img := range m.Image {
		if img.Arch == kr.Kernel.Arch {
			r.SuitesBytes = img.Size
		}
	}
	var passing int
	var problem string
	r.Selftests, passing, problem = selftestFigures(kr, selftestsWanted)
	r.Overhead = kr.Wall - kr.Boot - kr.Suite
	if kr.SelftestWall > 0 {
		r.Overhead += kr.SelftestWall - kr.SelftestBoot - r.Selftests
	}
	if passing > 0 {
		r.Checks = float64(m.Counts(kr)[judge.PASS]) / float64(passing)
	}
	switch {
	case kr.Miss != "":
		r.Error = "MISS: " + kr.Miss
	case problem != "":
		r.Error = problem
	}
	return r
}

// selftestFigures are the time of a column's selftests in their guest and
// their passing cases, or why the time is no figure to divide by.
func selftestFigures(kr *judge.KernelRun, wanted bool) (took time.Duration, passing int, problem string) {
	var cut []string
	for _, s := range kr.Selftests {
		took += s.Took
		if s.TimedOut || s.ExitCode < 0 {
			cut = append(cut, s.Program)
		}
		for _, c := range s.Cases {
			if c.Result == selftests.Pass || c.Result == selftests.XPass {
				passing++
			}
		}
	}
	switch {
	case wanted && (kr.SelftestSource == "" || len(kr.Selftests) == 0):
		problem = "no selftest figures: " + kr.SelftestNote
	case len(cut) > 0:
		// A killed program's time is its deadline, not its run: the
		// ratio would flatter the suites.
		problem = fmt.Sprintf("selftests killed at their deadline (%s): theirs is only a lower bound", strings.Join(cut, ", "))
	}
	return took, passing, problem
}

// verdicts counts the kernel's column as the matrix does, so a faster run
// that changed a verdict shows in the bench output, not only in the matrix.
func verdicts(m *judge.Matrix, kr *judge.KernelRun) string {
	counts := m.Counts(kr)
	s := ""
	for _, res := range judge.VerdictOrder {
		if counts[res] > 0 {
			s += fmt.Sprintf("%s %d ", res, counts[res])
		}
	}
	return s
}
