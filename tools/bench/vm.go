package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/vm"
	"github.com/pidfdconf/pidfdconf/vm/boot"
	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// VMResult is one kernel's VM figures. Suites and Selftests are the guest's
// own clock for the same VM, so their ratio is free of boot and host noise.
type VMResult struct {
	Kernel         string        `json:"kernel"`
	Accel          string        `json:"accel"`
	SuitesBytes    int64         `json:"initramfs_suites_bytes"`
	SelftestsBytes int64         `json:"initramfs_selftests_bytes"`
	BareBoot       time.Duration `json:"bare_boot_ns"`       // QEMU start to exit, /init alone
	UptimeAtInit   time.Duration `json:"uptime_at_init_ns"`  // of the bare boot, guest clock
	BootSuites     time.Duration `json:"boot_suites_ns"`     // the suites' VM without its selftests
	Suites         time.Duration `json:"suites_ns"`          // in the guest, every suite binary
	Selftests      time.Duration `json:"selftests_ns"`       // in the same guest, every program
	Ratio          float64       `json:"ours_over_theirs"`   // Suites / Selftests
	Verdicts       string        `json:"verdicts,omitempty"` // the kernel's column, counted
	Error          string        `json:"error,omitempty"`
}

// vmBudgets are per-kernel limits for the VM figures, set for TCG on the
// 2-core host the project runs on (KVM stays far below them): the fixed cost
// of a VM must stay small next to the specs, the suites must not cost more
// than the kernel's own selftests in the same VM, and the initramfs must
// not grow past what every VM copies in at boot.
var vmBudgets = struct {
	bareBoot, bootSuites time.Duration
	ratio                float64
	initramfs            int64
}{10 * time.Second, 90 * time.Second, 1.0, 110 << 20}

// benchVMs runs the suites and the kernel's selftests in one VM per kernel
// (one VM at a time, so they do not share the cores), then a bare boot of
// each kernel for the fixed cost.
func benchVMs(ctx context.Context, kernelList, out, cacheDir string, selftests bool) ([]VMResult, error) {
	root, err := image.ModuleRoot(".")
	if err != nil {
		return nil, err
	}
	specs, err := vmSpecs(kernelList)
	if err != nil || len(specs) == 0 {
		return nil, err
	}
	exps, err := judge.DefaultExpectations()
	if err != nil {
		return nil, err
	}
	cfg := vm.RunConfig{Root: root, Out: filepath.Join(out, "vm"), Specs: specs, Selftests: selftests,
		VMTimeout: 10 * time.Minute, Jobs: 1, CPUs: 2, Cache: cache.Cache{Dir: cacheDir}, Log: os.Stderr, Expectations: exps}
	m, err := vm.Run(ctx, cfg)
	if err != nil {
		return nil, err
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
	return results, nil
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

// vmFigures reads one kernel's figures from its matrix column.
func vmFigures(m *judge.Matrix, kr *judge.KernelRun, selftestsWanted bool) VMResult {
	r := VMResult{Kernel: kr.Kernel.Name, Accel: accel(), Suites: kr.Suite, Verdicts: verdicts(m, kr)}
	for _, img := range m.Image {
		if img.Arch == kr.Kernel.Arch {
			r.SuitesBytes = img.Size
			if kr.SelftestSource != "" {
				r.SelftestsBytes = kr.InitrdBytes - img.Size
			}
		}
	}
	var cut []string
	for _, s := range kr.Selftests {
		r.Selftests += s.Took
		if s.TimedOut || s.ExitCode < 0 {
			cut = append(cut, s.Program)
		}
	}
	r.BootSuites = kr.Wall - r.Selftests
	if r.Selftests > 0 {
		r.Ratio = r.Suites.Seconds() / r.Selftests.Seconds()
	}
	switch {
	case kr.Miss != "":
		r.Error = "MISS: " + kr.Miss
	case selftestsWanted && (kr.SelftestSource == "" || len(kr.Selftests) == 0):
		r.Error = "no selftest figures: " + kr.SelftestNote
	case len(cut) > 0:
		// A killed program's time is its deadline, not its run: the
		// ratio would flatter the suites.
		r.Error = fmt.Sprintf("selftests killed at their deadline (%s): theirs is only a lower bound", strings.Join(cut, ", "))
	}
	return r
}

// verdicts counts the kernel's column as the matrix does, so a faster run
// that changed a verdict shows in the bench output, not only in the matrix.
func verdicts(m *judge.Matrix, kr *judge.KernelRun) string {
	counts := m.Counts(kr)
	s := ""
	for _, res := range []judge.Verdict{judge.PASS, judge.SKIP, judge.XFAIL, judge.XPASS, judge.FAIL, judge.TIMEOUT, judge.MISS} {
		if counts[res] > 0 {
			s += fmt.Sprintf("%s %d ", res, counts[res])
		}
	}
	return s
}

func accel() string {
	if boot.KVMUsable() {
		return "KVM"
	}
	return "TCG"
}
