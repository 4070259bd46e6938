package vm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/boot"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// column is one kernel's run: what the build stage made for it, where its
// results go, and the guests' time scale.
type column struct {
	cfg   RunConfig
	k     *kernels.Kernel
	b     *builds
	scale string
	kr    *judge.KernelRun
	// kselftest is what its kselftest job left (matrix -kselftest), nil
	// until it ran.
	kselftest *kselftestRun
}

// newColumn prepares kernel k's column in dir: the suites its image
// carries are the ones it must report, and a suite that did not compile
// for its arch is a harness problem (MISS), never a FAIL.
func newColumn(cfg RunConfig, k *kernels.Kernel, b *builds, dir, scale string) *column {
	kr := judge.NewKernelRun(k)
	kr.Dir = dir
	kr.Suites = suiteNames(b.suites[k.Arch])
	_ = os.MkdirAll(kr.Dir, 0o755)
	for a, why := range b.broken[k.Arch] {
		kr.SuiteDidNotBuild(a, why)
	}
	if set := b.selftests[k.Name]; set != nil && k.Spec.Kind != kernels.KindHost {
		kr.SelftestSource = set.Source
	} else {
		kr.SelftestNote = b.selftestNotes[k.Name]
	}
	return &column{cfg: cfg, k: k, b: b, scale: scale, kr: kr}
}

// runSuites runs the column's suites, natively or in a VM; a column the
// kernel cannot run is not booted.
func (c *column) runSuites(ctx context.Context) {
	switch {
	case c.k.Unsupported != "":
		return
	case c.k.Spec.Kind == kernels.KindHost:
		c.runNative(ctx)
	default:
		c.runVM(ctx)
	}
}

// finish judges the kselftest run against the column's own verdicts and
// then applies the expectations, once every job of the column is done.
func (c *column) finish() *judge.KernelRun {
	c.judgeKselftest()
	judge.ApplyExpectations(c.kr, c.cfg.Expectations)
	return c.kr
}

// suiteNames are the areas of suite binaries (<area>.test).
func suiteNames(bins []string) []string {
	var names []string
	for _, b := range bins {
		names = append(names, strings.TrimSuffix(filepath.Base(b), ".test"))
	}
	return names
}

// runNative runs the host's suite binaries on the running kernel and
// judges what they report exactly as a guest's stream.
func (c *column) runNative(ctx context.Context) {
	kr := c.kr
	start := time.Now()
	arch := kernels.HostArch()
	s, err := boot.Native{Suites: c.b.suites[arch], GuestBin: c.b.guests[arch], RoleEnv: c.b.roles[arch].Environ(), Dir: kr.Dir}.Run(ctx)
	if err != nil {
		kr.Miss = err.Error()
		return
	}
	kr.DecodeStream(s)
	kr.Wall = time.Since(start)
	kr.ConsoleTail = format.Tail(format.Printable(format.ReadTail(filepath.Join(kr.Dir, "console.log"), format.ConsoleTailBytes)), 25)
}

// runVM boots the kernel with the run's initramfs and its config, and
// judges what it streamed; how the VM ended explains a MISS.
func (c *column) runVM(ctx context.Context) {
	kr := c.kr
	img := c.b.suitesImage(c.cfg, c.k)
	if st, err := os.Stat(img.Path); err == nil {
		kr.InitrdBytes = st.Size()
	}
	nSuites := len(c.b.areas)
	vm := c.vm(ctx, img, guestAppend(c.cfg, c.k, c.scale, nSuites), c.cfg.VMTimeout, "")
	vm.Silence = vmSilence(c.cfg.VMTimeout, nSuites)
	vm.InitDeadline = initDeadline
	res, retry := c.runBooted(ctx, vm, "console-first-boot.log")
	kr.BootRetry = retry
	kr.Accel, kr.AccelWhy = vm.Accel.Name(), vm.Accel.Why
	kr.JudgeVM(vm, res)
}

// runBooted runs vm, and once more when its kernel failed before /init.
// Under TCG a sound kernel now and then oopses while it patches its own
// code at boot (an int3 left in sched_clock_cpu on the second vCPU),
// before /init runs: once in ~75 boots on this machine. Or it hangs there
// without a word: Debian's 6.1 once in ~25 boots on a loaded day. One more
// boot tells that from a kernel that cannot boot, which fails again and is
// reported as before. retry says why the first boot failed (its console
// is kept as firstLog beside the VM's); "" when it booted once.
func (c *column) runBooted(ctx context.Context, vm *boot.VM, firstLog string) (res boot.Ending, retry string) {
	return runRetrying(ctx, vm, filepath.Join(c.kr.Dir, firstLog), c.kr.Kernel.Name, c.cfg.logf)
}

// runRetrying is column.runBooted for any VM: the first boot's console is
// kept at firstLog, and logf tells of the second boot of kernel.
func runRetrying(ctx context.Context, vm *boot.VM, firstLog, kernel string, logf func(string, ...any)) (res boot.Ending, retry string) {
	res = vm.Run(ctx)
	why := failedBeforeInit(vm, res)
	if why == "" || ctx.Err() != nil {
		return res, ""
	}
	if err := os.Rename(vm.ConsoleLog, firstLog); err != nil {
		return res, ""
	}
	retry = "the first boot failed before /init (" + why + "; " + filepath.Base(firstLog) + ")"
	logf("%s: %s; booting it once more", kernel, retry)
	return vm.Run(ctx), retry
}

// initDeadline is how long the suites' VM may take to reach /init's first
// result byte. Boots take 1.5-3 s under TCG here (an arm64 or SELinux
// guest some more); a hung one was silent until vmSilence, minutes, and
// then MISS.
const initDeadline = 2 * time.Minute

// failedBeforeInit is why the VM's kernel died or hung before /init wrote a
// byte of its result stream, or "" when it did not.
func failedBeforeInit(vm *boot.VM, res boot.Ending) string {
	if res.NoInit {
		return vm.EndReason(res)
	}
	if res.Panic == "" {
		return ""
	}
	if st, err := os.Stat(vm.ResultLog); err != nil || st.Size() > 0 {
		return ""
	}
	return "kernel died: " + res.Panic
}

// runSelftests boots the kernel a second time with /init and the kernel's
// own selftests of its version alone: the cross-check runs beside the
// suites instead of after them, and however it ends the column's
// verdicts stand.
func (c *column) runSelftests(ctx context.Context) {
	img, err := c.b.selftestsImage(c.cfg, c.k)
	if err != nil {
		c.kr.SelftestNote = "building their initramfs: " + err.Error()
		return
	}
	appendArgs := strings.Join([]string{c.k.BootArgs, kernel.TimeScaleEnv + "=" + format.Or(c.scale, "1"),
		kernel.SelftestTimeoutEnv + "=" + SelftestBudget.String(), c.cfg.Append}, " ")
	vm := c.vm(ctx, img, appendArgs, SelftestBudget+selftestBoot, "selftests-")
	// A selftest program prints only into its own log; /init's heartbeat
	// keeps the console alive, so a minute of silence is a stuck guest.
	vm.Silence = 2 * time.Minute
	vm.InitDeadline = initDeadline
	res, retry := c.runBooted(ctx, vm, "selftests-console-first-boot.log")
	c.kr.SelftestBootRetry = retry
	c.kr.JudgeSelftestsVM(vm, res)
}

// selftestBoot is the selftests VM's time beyond their budget: booting,
// and streaming their logs back.
const selftestBoot = 2 * time.Minute

// vm is a VM of the column's kernel booting img, its console and result
// stream under prefix in the column's directory.
func (c *column) vm(ctx context.Context, img *image.Image, appendArgs string, timeout time.Duration, prefix string) *boot.VM {
	return &boot.VM{
		Arch: c.k.MachineArch(), Kernel: boot.KernelFile(ctx, c.cfg.Cache, c.k, c.cfg.logf), Initrd: img.Path, Append: strings.TrimSpace(appendArgs),
		MemoryMB: vmMemory(c.cfg, c.k, img), CPUs: max(1, c.cfg.CPUs), Timeout: timeout, Accel: boot.AccelFor(ctx, c.k.MachineArch()),
		ConsoleLog: filepath.Join(c.kr.Dir, prefix+"console.log"),
		ResultLog:  filepath.Join(c.kr.Dir, prefix+"results.stream"),
	}
}

// SelftestBudget is how long the kernel's own selftests may take in a VM,
// all programs together, on top of the suites' deadline.
var SelftestBudget = 8 * time.Minute

// guestAppend is the kernel command line beyond the base: the config
// variant's boot arguments, then words with '=' that the kernel does not
// know, which become /init's environment, then the user's -append.
func guestAppend(cfg RunConfig, k *kernels.Kernel, scale string, nSuites int) string {
	var words []string
	add := func(s string) {
		if s != "" {
			words = append(words, s)
		}
	}
	add(k.BootArgs)
	if scale != "" {
		add(kernel.TimeScaleEnv + "=" + scale)
	}
	if am := os.Getenv(kernel.AllowMissingEnv); am != "" {
		// Feature names hold spaces: quoted, the kernel hands the value to
		// /init whole (lib/cmdline.c next_arg strips the quotes).
		add(kernel.AllowMissingEnv + `="` + am + `"`)
	}
	add(kernel.SuiteTimeoutEnv + "=" + suiteTimeout(cfg.VMTimeout, nSuites).String())
	add(cfg.Append)
	return strings.Join(words, " ")
}

// vmMemory is -memory, or enough for the initramfs unpacked into RAM next
// to its own copy.
func vmMemory(cfg RunConfig, k *kernels.Kernel, img *image.Image) int {
	mem := cfg.MemoryMB
	if mem == 0 {
		mem = max(512, int(img.Size/(1<<20))*3+384)
	}
	if k.MachineArch() == "386" {
		mem = min(mem, 768) // stay in lowmem: tinyconfig has no HIGHMEM
	}
	return mem
}

// suiteTimeout is each suite's share of the VM deadline, leaving a minute
// for boot and streaming, so a hanging suite reports TIMEOUT instead of the
// VM dying as MISS. Suites differ in size (pidfs has four times the specs
// of getfd), so a suite may take up to a third of the time, not 1/n of it:
// an equal split cut pidfs short under emulation on a loaded host.
func suiteTimeout(vm time.Duration, n int) time.Duration {
	t := (vm - time.Minute) / time.Duration(min(max(1, n), 3))
	return max(t, time.Minute).Round(time.Second)
}

// vmSilence is how long a guest may stay silent before it counts as stuck.
// A hanging suite is silent until its own timeout (suiteTimeout) makes
// Ginkgo report it, so the window is that plus a minute: the hang still ends
// as the suite's TIMEOUT with its report, and a guest stuck anywhere else
// (boot, /init, the kernel itself) ends well before the VM deadline.
func vmSilence(vm time.Duration, nSuites int) time.Duration {
	return suiteTimeout(vm, nSuites) + time.Minute
}

// checkAllowMissing refuses a PIDFDCONF_ALLOW_MISSING that cannot travel on
// a kernel command line inside quotes.
func checkAllowMissing() error {
	am := os.Getenv(kernel.AllowMissingEnv)
	if strings.ContainsFunc(am, func(r rune) bool { return r == '"' || r < ' ' }) {
		return setup.Errorf("%s=%q: a quote or a control character cannot reach the guests; list the feature names as the FAIL messages print them, separated by commas", kernel.AllowMissingEnv, am)
	}
	return nil
}
