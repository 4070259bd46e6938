package vm

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/boot"
	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/report"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// RunConfig is one `pidfdconf-vm matrix` invocation.
type RunConfig struct {
	Root         string // module root (suites/ and vm/guest live here)
	Out          string // reports go to Out/<run id>/
	Specs        []kernels.KernelSpec
	Append       string // extra kernel command line for every VM (e.g. to break one on purpose)
	Strict       bool
	VMTimeout    time.Duration
	Jobs         int // VMs at once; 0 = number of cores
	MemoryMB     int
	CPUs         int
	Cache        cache.Cache
	Log          io.Writer
	Expectations []judge.Expectation
	// Selftests: run the kernel's own pidfd selftests in every VM and
	// cross-check them with the specs that mirror them.
	Selftests bool
	// Filter names the specs the run is about (a bisection step's focus,
	// a mutant's expected killers): only the suites that can hold one are
	// built and booted. Empty: every suite.
	Filter judge.Filter
	// Kselftest: also run the suites as the kselftest collection under the
	// kernel's runner in a busybox guest of every VM kernel, and judge it
	// against the column's own run (kselftest.go); KselftestArch, when
	// set, is the userspace every such column must have (x86_64, i386,
	// arm64).
	Kselftest     bool
	KselftestArch string

	bins string // where this run's binaries are: claimBinDir
}

// Run resolves every kernel (setup errors stop the run before anything
// boots), prepares the run directory, builds one initramfs per architecture,
// runs the kernels in parallel and writes all reports. The returned matrix
// decides the exit code.
func Run(ctx context.Context, cfg RunConfig) (*judge.Matrix, error) {
	start := time.Now()
	cfg = cfg.withDefaults()
	if err := checkAllowMissing(); err != nil {
		return nil, err
	}
	// One resolver for the kernels and their selftests' sources: it knows
	// which package lists it has refreshed this run.
	resolver := &kernels.Resolver{Cache: cfg.Cache, Log: cfg.Log}
	ks, err := resolveKernels(ctx, cfg, resolver)
	if err != nil {
		return nil, err
	}
	if err := checkKselftest(cfg, ks); err != nil {
		return nil, err
	}
	// The catalogue says which specs every column must report.
	cat, err := judge.LoadCatalogue(cfg.Root)
	if err != nil {
		return nil, setup.Errorf("%v", err)
	}
	runID, dir, err := report.NewRunDir(cfg.Out)
	if err != nil {
		return nil, err
	}
	release, err := cfg.claimBinDir()
	if err != nil {
		return nil, err
	}
	defer release()
	b, err := buildImages(ctx, cfg, ks, resolver)
	if err != nil {
		return nil, err
	}
	runs, schedule := runKernels(ctx, cfg, ks, b, dir)
	if err := ctx.Err(); err != nil {
		return nil, setup.Errorf("interrupted (%v): partial results in %s", err, dir)
	}
	cat.CrossCheck(runs)
	m := judge.NewMatrix(runID, runs, cat.Rows(b.areas, cfg.Filter)...)
	cat.Annotate(m)
	m.Strict = cfg.Strict
	m.Wall, m.Schedule = time.Since(start), schedule
	for _, a := range sortedArches(vmArches(ks), false) {
		m.Image = append(m.Image, b.images[a])
	}
	return m, report.Write(m, dir)
}

func (cfg RunConfig) withDefaults() RunConfig {
	if cfg.Jobs <= 0 {
		cfg.Jobs = runtime.NumCPU()
	}
	// Binaries run from their suite's directory, so every path is absolute.
	if abs, err := filepath.Abs(cfg.Out); err == nil {
		cfg.Out = abs
	}
	return cfg
}

func (cfg RunConfig) logf(format string, args ...any) {
	fmt.Fprintf(cfg.Log, format+"\n", args...)
}

// resolveKernels turns every spec into a kernel and makes sure QEMU is
// there for the ones that boot.
func resolveKernels(ctx context.Context, cfg RunConfig, resolver *kernels.Resolver) ([]*kernels.Kernel, error) {
	var ks []*kernels.Kernel
	for _, s := range cfg.Specs {
		k, err := resolver.Resolve(ctx, s)
		if err != nil {
			return nil, err
		}
		cfg.logf("kernel %-28s %s", k.Name, k.Describe)
		ks = append(ks, k)
		if s.Kind != kernels.KindHost {
			if err := boot.EnsureQEMU(ctx, cfg.logf, k.MachineArch()); err != nil {
				return nil, err
			}
		}
	}
	kernels.UniqueNames(ks)
	return ks, nil
}

// runKernels runs every column's jobs (its suites, and in a VM of their
// own the kernel's selftests), at most cfg.Jobs at once, longest first,
// and applies the expectations to each column.
func runKernels(ctx context.Context, cfg RunConfig, ks []*kernels.Kernel, b *builds, dir string) ([]*judge.KernelRun, judge.Schedule) {
	cols := make([]*column, len(ks))
	logged := map[string]bool{}
	for i, k := range ks {
		var scale string
		if k.Spec.Kind != kernels.KindHost {
			var accel boot.Accel
			scale, accel = guestTimeScale(ctx, k.MachineArch())
			if !logged[k.MachineArch()] {
				logged[k.MachineArch()] = true
				cfg.logf("accelerator for %s guests: %s; PIDFDCONF_TIME_SCALE=%s in them", k.MachineArch(), accel, format.Or(scale, "1"))
			}
		}
		cols[i] = newColumn(cfg, k, b, filepath.Join(dir, kernels.SafeName(k.Name)), scale)
	}
	schedule := runJobs(ctx, cfg, planJobs(cfg.Cache, cols))
	runs := make([]*judge.KernelRun, len(cols))
	for i, c := range cols {
		runs[i] = c.finish()
	}
	return runs, schedule
}

// guestTimeScale is PIDFDCONF_TIME_SCALE for the guests of a machine: the
// user's, or 4 when QEMU has to emulate its CPU (boot.AccelFor says why),
// and the accelerator QEMU will use.
func guestTimeScale(ctx context.Context, arch string) (string, boot.Accel) {
	scale := os.Getenv(kernel.TimeScaleEnv)
	accel := boot.AccelFor(ctx, arch)
	if !accel.KVM && scale == "" {
		scale = "4"
	}
	return scale, accel
}
