package vm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// RunConfig is one `pidfdconf-vm matrix` invocation.
type RunConfig struct {
	Root         string // module root (suites/ and vm/guest live here)
	Out          string // reports go to Out/<run id>/
	Specs        []KernelSpec
	Append       string // extra kernel command line for every VM (e.g. to break one on purpose)
	Strict       bool
	VMTimeout    time.Duration
	Jobs         int // VMs at once; 0 = number of cores
	MemoryMB     int
	CPUs         int
	Cache        Cache
	Log          io.Writer
	Expectations []Expectation
}

// Run resolves every kernel (setup errors stop the run before anything
// boots), builds one initramfs per architecture, runs the kernels in
// parallel and writes all reports. The returned matrix decides the exit code.
func Run(ctx context.Context, cfg RunConfig) (*Matrix, error) {
	start := time.Now()
	logf := func(format string, args ...any) { fmt.Fprintf(cfg.Log, format+"\n", args...) }
	if cfg.Jobs <= 0 {
		cfg.Jobs = runtime.NumCPU()
	}
	// Binaries run from their suite's directory, so every path is absolute.
	if abs, err := filepath.Abs(cfg.Out); err == nil {
		cfg.Out = abs
	}

	resolver := &Resolver{Cache: cfg.Cache, Log: cfg.Log}
	var kernels []*Kernel
	arches := map[string]bool{}
	for _, s := range cfg.Specs {
		k, err := resolver.Resolve(ctx, s)
		if err != nil {
			return nil, err
		}
		logf("kernel %-28s %s", k.Name, k.Describe)
		kernels = append(kernels, k)
		if s.Kind != KindHost {
			arches[k.Arch] = true
			if err := EnsureQEMU(ctx, logf, k.Arch); err != nil {
				return nil, err
			}
		}
	}
	uniqueNames(kernels)

	runID := time.Now().UTC().Format("20060102-150405")
	dir := filepath.Join(cfg.Out, runID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, setupErrorf("cannot create %s: %v (set OUT to a writable directory)", dir, err)
	}
	latest := filepath.Join(cfg.Out, "latest")
	os.Remove(latest)
	_ = os.Symlink(runID, latest)

	areas, err := DiscoverSuites(cfg.Root)
	if err != nil {
		return nil, err
	}
	if len(areas) == 0 {
		logf("no suites found (suites/*/*_suite_test.go): kernels are booted and only the boot row is judged")
	} else {
		logf("suites: %v", areas)
	}

	// Host-arch suite binaries serve both the native run and amd64 VMs.
	// Binaries live in the cache, not the run directory: go skips the link
	// when the existing binary is already up to date (seconds per suite).
	build := filepath.Join(cfg.Cache.Dir, "bin")
	images := map[string]*Image{}
	suiteBins := map[string][]string{}
	guestBins := map[string]string{}
	brokenSuites := map[string]map[string]string{} // arch → area → why
	// lsm-selinux: the guest loads Debian's reference policy (issue 6).
	extraFiles, err := SELinuxImageFiles(ctx, cfg.Cache.Dir, kernels, cfg.Append)
	if err != nil {
		return nil, err
	}
	for _, arch := range sortedArches(arches, hasHost(kernels)) {
		t := time.Now()
		bins, broken, err := BuildSuites(ctx, cfg.Root, filepath.Join(build, arch), arch, areas)
		if err != nil {
			return nil, err
		}
		for _, why := range broken {
			logf("WARNING: %s", truncate(why, 400))
		}
		brokenSuites[arch] = broken
		suiteBins[arch] = bins
		initBin, err := BuildGuest(ctx, cfg.Root, build, arch, logf)
		if err != nil {
			return nil, err
		}
		guestBins[arch] = initBin
		if !arches[arch] {
			continue // only the native run needs this arch
		}
		img, err := cfg.Cache.Image(arch, initBin, bins, extraFiles...)
		if err != nil {
			return nil, err
		}
		images[arch] = img
		logf("initramfs %s: %.1f MB, sha256 %s, suites %v (built in %s)", arch, float64(img.Size)/1e6, img.SHA256[:12], img.Suites, fmtDur(time.Since(t)))
	}

	scale := os.Getenv(kernel.TimeScaleEnv)
	accel := "KVM"
	if !KVMUsable() {
		accel = "TCG (no usable /dev/kvm)"
		if scale == "" {
			scale = "4"
		}
	}
	if len(arches) > 0 {
		logf("accelerator: %s; %s=%s in the guests", accel, kernel.TimeScaleEnv, orDefault(scale, "1"))
	}

	runs := make([]*KernelRun, len(kernels))
	sem := make(chan struct{}, cfg.Jobs)
	var wg sync.WaitGroup
	for i, k := range kernels {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			kr := newKernelRun(k)
			kr.Dir = filepath.Join(dir, safeName(k.Name))
			_ = os.MkdirAll(kr.Dir, 0o755)
			// A suite that did not compile is a harness problem: MISS, never FAIL.
			for a, why := range brokenSuites[k.Arch] {
				kr.SuiteMiss[a] = why
				kr.set(Row{Suite: a, Text: "(suite binary builds)"}, Cell{Result: MISS, Reason: why})
			}
			if k.Spec.Kind == KindHost {
				runNative(ctx, kr, suiteBins[hostArch()], guestBins[hostArch()])
			} else {
				runVM(ctx, cfg, kr, images[k.Arch], scale, len(areas))
			}
			ApplyExpectations(kr, cfg.Expectations)
			runs[i] = kr
			logf("done %-28s %s", k.Name, timing(kr))
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, setupErrorf("interrupted (%v): partial results in %s", err, dir)
	}

	m := NewMatrix(runID, runs)
	m.Strict = cfg.Strict
	m.Wall = time.Since(start)
	for _, a := range sortedArches(arches, false) {
		m.Image = append(m.Image, images[a])
	}
	for _, kr := range runs {
		if err := writeKernelReports(m, kr); err != nil {
			return nil, err
		}
	}
	if err := writeMatrixReports(m, dir); err != nil {
		return nil, err
	}
	return m, nil
}

func runVM(ctx context.Context, cfg RunConfig, kr *KernelRun, img *Image, scale string, nSuites int) {
	k := kr.Kernel
	appendArgs := k.BootArgs
	add := func(s string) {
		if s != "" {
			if appendArgs != "" {
				appendArgs += " "
			}
			appendArgs += s
		}
	}
	// Words with '=' that the kernel does not know become /init's environment.
	if scale != "" {
		add(kernel.TimeScaleEnv + "=" + scale)
	}
	if am := os.Getenv(kernel.AllowMissingEnv); am != "" {
		add(kernel.AllowMissingEnv + "=" + am)
	}
	add(kernel.SuiteTimeoutEnv + "=" + suiteTimeout(cfg.VMTimeout, nSuites).String())
	add(cfg.Append)

	mem := cfg.MemoryMB
	if mem == 0 {
		// The initramfs is unpacked into RAM next to its own copy.
		mem = max(512, int(img.Size/(1<<20))*3+384)
	}
	if k.Arch == "386" {
		mem = min(mem, 768) // stay in lowmem: tinyconfig has no HIGHMEM
	}
	vm := &VM{
		Arch: k.Arch, Kernel: k.BzImage, Initrd: img.Path, Append: appendArgs,
		MemoryMB: mem, CPUs: max(1, cfg.CPUs), Timeout: cfg.VMTimeout,
		ConsoleLog: filepath.Join(kr.Dir, "console.log"),
		ResultLog:  filepath.Join(kr.Dir, "results.stream"),
	}
	res := vm.Run(ctx)
	kr.Wall = res.Wall

	f, err := os.Open(vm.ResultLog)
	var s *frame.Stream
	if err == nil {
		s = frame.Read(f)
		f.Close()
	} else {
		s = &frame.Stream{Problems: []string{"no result stream: " + err.Error()}}
	}
	kr.DecodeStream(s)
	con, _ := os.ReadFile(vm.ConsoleLog)
	kr.ConsoleTail = tail(printable(string(con)), 25)

	// How the VM ended explains a MISS better than the stream defects do.
	why := ""
	switch {
	case res.Panic != "":
		why = "kernel died: " + res.Panic
	case res.TimedOut:
		why = fmt.Sprintf("VM deadline %s passed (hang?)", cfg.VMTimeout)
	case res.Err != nil:
		why = res.Err.Error()
	}
	if why != "" && !s.Complete() {
		if kr.Miss != "" {
			kr.Miss = why
		} else {
			kr.set(BootRow, Cell{Result: MISS, Reason: why + "; " + kr.Cells[BootRow.Key()].Reason})
		}
	}
}

// suiteTimeout splits the VM deadline between suites, leaving a minute for
// boot and streaming, so a hanging suite reports TIMEOUT instead of the VM
// dying as MISS.
func suiteTimeout(vm time.Duration, n int) time.Duration {
	t := (vm - time.Minute) / time.Duration(max(1, n))
	return max(t, time.Minute).Round(time.Second)
}

func timing(kr *KernelRun) string {
	if kr.Kernel.Spec.Kind == KindHost {
		return fmt.Sprintf("native: suites %s, wall %s", fmtDur(kr.Suite), fmtDur(kr.Wall))
	}
	return fmt.Sprintf("boot %s, suites %s, VM wall %s (overhead beyond suites %s)",
		fmtDur(kr.Boot), fmtDur(kr.Suite), fmtDur(kr.Wall), fmtDur(kr.Wall-kr.Suite))
}

func hasHost(ks []*Kernel) bool {
	for _, k := range ks {
		if k.Spec.Kind == KindHost {
			return true
		}
	}
	return false
}

// sortedArches lists the arches to build: those with VMs, plus the host's
// when the native run needs binaries.
func sortedArches(vmArches map[string]bool, host bool) []string {
	var out []string
	for _, a := range []string{"amd64", "386"} {
		if vmArches[a] || (host && a == hostArch()) {
			out = append(out, a)
		}
	}
	return out
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
