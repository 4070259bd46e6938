package vm

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
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
	// Selftests: run the kernel's own pidfd selftests in every VM and
	// cross-check them with the specs that mirror them.
	Selftests bool
	// Focus (a glob over "<suite>: <full spec text>") builds and runs only
	// the suites that can hold a matching spec: a bisection step's speed.
	Focus string
	// Suites, when set, are the only suites the VMs carry (by area name):
	// a mutant needs only the suites expected to catch it.
	Suites []string
}

// Run resolves every kernel (setup errors stop the run before anything
// boots), prepares the run directory, builds one initramfs per architecture,
// runs the kernels in parallel and writes all reports. The returned matrix
// decides the exit code.
func Run(ctx context.Context, cfg RunConfig) (*Matrix, error) {
	start := time.Now()
	cfg = cfg.withDefaults()
	// One resolver for the kernels and their selftests' sources: it knows
	// which package lists it has refreshed this run.
	resolver := &Resolver{Cache: cfg.Cache, Log: cfg.Log}
	kernels, err := resolveKernels(ctx, cfg, resolver)
	if err != nil {
		return nil, err
	}
	runID, dir, err := prepareRunDir(cfg.Out)
	if err != nil {
		return nil, err
	}
	b, err := buildImages(ctx, cfg, kernels, resolver)
	if err != nil {
		return nil, err
	}
	runs := runKernels(ctx, cfg, kernels, b, dir)
	if err := ctx.Err(); err != nil {
		return nil, setupErrorf("interrupted (%v): partial results in %s", err, dir)
	}
	if err := crossCheck(cfg.Root, runs); err != nil {
		cfg.logf("selftests cross-check: %v", err)
	}
	m := NewMatrix(runID, runs)
	if err := annotateRows(m, cfg.Root); err != nil {
		cfg.logf("reports without Mirrors/Since: %v", err)
	}
	m.Strict = cfg.Strict
	m.Wall = time.Since(start)
	for _, a := range sortedArches(vmArches(kernels), false) {
		m.Image = append(m.Image, b.images[a])
	}
	return m, writeReports(m, dir)
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
func resolveKernels(ctx context.Context, cfg RunConfig, resolver *Resolver) ([]*Kernel, error) {
	var kernels []*Kernel
	for _, s := range cfg.Specs {
		k, err := resolver.Resolve(ctx, s)
		if err != nil {
			return nil, err
		}
		cfg.logf("kernel %-28s %s", k.Name, k.Describe)
		kernels = append(kernels, k)
		if s.Kind != KindHost {
			if err := EnsureQEMU(ctx, cfg.logf, k.Arch); err != nil {
				return nil, err
			}
		}
	}
	uniqueNames(kernels)
	return kernels, nil
}

// prepareRunDir creates a new out/<run id> and points out/latest at it. A
// second run in the same second gets "-2", "-3", …: reusing a directory
// would let one run read another's result streams.
func prepareRunDir(out string) (runID, dir string, err error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", "", setupErrorf("cannot create %s: %v (set OUT to a writable directory)", out, err)
	}
	stamp := time.Now().UTC().Format("20060102-150405")
	for n := 1; ; n++ {
		runID = stamp
		if n > 1 {
			runID = fmt.Sprintf("%s-%d", stamp, n)
		}
		dir = filepath.Join(out, runID)
		err = os.Mkdir(dir, 0o755)
		if err == nil {
			break
		}
		if !os.IsExist(err) {
			return "", "", setupErrorf("cannot create %s: %v (set OUT to a writable directory)", dir, err)
		}
	}
	latest := filepath.Join(out, "latest")
	os.Remove(latest)
	_ = os.Symlink(runID, latest)
	return runID, dir, nil
}

// builds is what the build stage hands to the kernels, by architecture.
type builds struct {
	areas  []string
	suites map[string][]string          // the suite binaries
	guests map[string]string            // /init, also the native run's probe tool
	roles  map[string]string            // cmd/pidfdconf-role
	broken map[string]map[string]string // area → why it did not compile
	images map[string]*Image            // only for arches that boot VMs
	// The kernel's own selftests per kernel name, or why a kernel has none.
	selftests     map[string]*selftestSet
	selftestNotes map[string]string
}

// binDir holds the checkout's compiled suites and /init. Binaries live in
// the cache, not the run directory: go skips the link when the existing
// binary is already up to date (seconds per suite). Each checkout has its
// own directory, so runs from two checkouts at once never put each other's
// suites into their images.
func (cfg RunConfig) binDir() string {
	root, _ := filepath.Abs(cfg.Root)
	return filepath.Join(cfg.Cache.Dir, "bin", hashStrings(root)[:12])
}

// buildImages builds the suites and /init for every arch the run needs and,
// for the arches that boot, the initramfs.
func buildImages(ctx context.Context, cfg RunConfig, kernels []*Kernel, resolver *Resolver) (*builds, error) {
	areas, err := DiscoverSuites(cfg.Root)
	if err != nil {
		return nil, err
	}
	areas = focusSuites(areas, cfg.Focus)
	if len(cfg.Suites) > 0 {
		areas = onlySuites(areas, cfg.Suites)
	}
	if len(areas) == 0 {
		cfg.logf("no suites found (suites/*/*_suite_test.go): kernels are booted and only the boot row is judged")
	} else {
		cfg.logf("suites: %v", areas)
	}
	b := &builds{areas: areas, suites: map[string][]string{}, guests: map[string]string{}, roles: map[string]string{},
		broken: map[string]map[string]string{}, images: map[string]*Image{}}
	// lsm-selinux: the guest loads Debian's reference policy, or SELinux permits everything.
	extraFiles, err := SELinuxImageFiles(ctx, cfg.logf, cfg.Cache.Dir, kernels, cfg.Append)
	if err != nil {
		return nil, err
	}
	arches := vmArches(kernels)
	for _, arch := range sortedArches(arches, hasHost(kernels)) {
		if err := b.buildArch(ctx, cfg, arch, arches[arch], extraFiles); err != nil {
			return nil, err
		}
	}
	b.selftests, b.selftestNotes = prepareSelftests(ctx, cfg, kernels, resolver)
	return b, nil
}

// buildArch builds one arch's binaries, and its initramfs when withImage.
// Host-arch suite binaries serve both the native run and amd64 VMs.
func (b *builds) buildArch(ctx context.Context, cfg RunConfig, arch string, withImage bool, extraFiles []ImageFile) error {
	t := time.Now()
	binDir := cfg.binDir()
	bins, broken, err := BuildSuites(ctx, cfg.Root, filepath.Join(binDir, arch), arch, b.areas)
	if err != nil {
		return cacheWriteError(binDir, err)
	}
	for _, why := range broken {
		cfg.logf("WARNING: %s", truncate(why, 400))
	}
	b.broken[arch] = broken
	b.suites[arch] = bins
	initBin, err := BuildGuest(ctx, cfg.Root, binDir, arch, cfg.logf)
	if err != nil {
		return err
	}
	b.guests[arch] = initBin
	roleBin, err := BuildRoleBinary(ctx, cfg.Root, binDir, arch)
	if err != nil {
		return err
	}
	b.roles[arch] = roleBin
	if !withImage {
		return nil // only the native run needs this arch
	}
	extraFiles = append(slices.Clip(extraFiles), ImageFile{Name: RoleBinaryImagePath, Src: roleBin, Executable: true})
	img, err := cfg.Cache.Image(arch, initBin, bins, extraFiles...)
	if err != nil {
		return err
	}
	b.images[arch] = img
	cfg.logf("initramfs %s: %.1f MB, sha256 %s, suites %v (built in %s)", arch, float64(img.Size)/1e6, img.SHA256[:12], img.Suites, fmtDur(time.Since(t)))
	return nil
}

// initrd is the image k boots: the arch's initramfs, followed by k's
// version of the kernel's selftests when there are any.
func (b *builds) initrd(cfg RunConfig, k *Kernel) *Image {
	img := b.images[k.Arch]
	set := b.selftests[k.Name]
	if set == nil {
		return img
	}
	path, err := cfg.Cache.withSelftests(img, set)
	if err != nil {
		b.selftestNotes[k.Name] = "appending the selftests to the initramfs: " + err.Error()
		return img
	}
	withSelftests := *img
	withSelftests.Path = path
	return &withSelftests
}

// runKernels runs every kernel, at most cfg.Jobs at once, and applies the
// expectations to each result.
func runKernels(ctx context.Context, cfg RunConfig, kernels []*Kernel, b *builds, dir string) []*KernelRun {
	scale := guestTimeScale(cfg, len(vmArches(kernels)) > 0)
	runs := make([]*KernelRun, len(kernels))
	sem := make(chan struct{}, cfg.Jobs)
	var wg sync.WaitGroup
	for i, k := range kernels {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			runs[i] = runKernel(ctx, cfg, k, b, filepath.Join(dir, safeName(k.Name)), scale)
			cfg.logf("done %-28s %s", k.Name, timing(runs[i]))
		}()
	}
	wg.Wait()
	return runs
}

// guestTimeScale is PIDFDCONF_TIME_SCALE for the guests: the user's, or 4
// when QEMU has to emulate the CPU (TCG).
func guestTimeScale(cfg RunConfig, vms bool) string {
	scale := os.Getenv(kernel.TimeScaleEnv)
	accel := "KVM"
	if !KVMUsable() {
		accel = "TCG (no usable /dev/kvm)"
		if scale == "" {
			scale = "4"
		}
	}
	if vms {
		cfg.logf("accelerator: %s; PIDFDCONF_TIME_SCALE=%s in the guests", accel, orDefault(scale, "1"))
	}
	return scale
}

// runKernel runs the suites on one kernel, natively or in a VM, into dir.
func runKernel(ctx context.Context, cfg RunConfig, k *Kernel, b *builds, dir, scale string) *KernelRun {
	kr := newKernelRun(k)
	kr.Dir = dir
	_ = os.MkdirAll(kr.Dir, 0o755)
	// A suite that did not compile is a harness problem: MISS, never FAIL.
	for a, why := range b.broken[k.Arch] {
		kr.SuiteMiss[a] = why
		kr.set(Row{Suite: a, Text: suiteBuildsText}, Cell{Result: MISS, Reason: why})
	}
	if k.Spec.Kind == KindHost {
		runNative(ctx, kr, b.suites[hostArch()], b.guests[hostArch()], b.roles[hostArch()])
	} else {
		img := b.initrd(cfg, k)
		shipped := img != b.images[k.Arch]
		if shipped {
			kr.SelftestSource = b.selftests[k.Name].Source
		}
		if st, err := os.Stat(img.Path); err == nil {
			kr.InitrdBytes = st.Size()
		}
		runVM(ctx, cfg, kr, img, scale, len(b.areas), shipped)
	}
	if kr.SelftestSource == "" {
		kr.SelftestNote = b.selftestNotes[k.Name]
	}
	ApplyExpectations(kr, cfg.Expectations)
	return kr
}

// writeReports writes every kernel's reports and the matrix reports.
func writeReports(m *Matrix, dir string) error {
	for _, kr := range m.Kernels {
		if err := writeKernelReports(m, kr); err != nil {
			return err
		}
	}
	return writeMatrixReports(m, dir)
}

func timing(kr *KernelRun) string {
	if kr.Kernel.Spec.Kind == KindHost {
		return fmt.Sprintf("native: suites %s, wall %s", fmtDur(kr.Suite), fmtDur(kr.Wall))
	}
	return fmt.Sprintf("boot %s, suites %s, VM wall %s (overhead beyond suites %s)",
		fmtDur(kr.Boot), fmtDur(kr.Suite), fmtDur(kr.Wall), fmtDur(kr.Wall-kr.Suite))
}

// vmArches are the architectures of the kernels that boot in QEMU.
func vmArches(ks []*Kernel) map[string]bool {
	arches := map[string]bool{}
	for _, k := range ks {
		if k.Spec.Kind != KindHost {
			arches[k.Arch] = true
		}
	}
	return arches
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

// onlySuites keeps the areas named in want, in areas' order.
func onlySuites(areas, want []string) []string {
	var kept []string
	for _, a := range areas {
		if slices.Contains(want, a) {
			kept = append(kept, a)
		}
	}
	return kept
}
