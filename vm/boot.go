package vm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// runVM boots kr's kernel with the run's initramfs and decodes what it
// streamed; how the VM ended explains a MISS.
func runVM(ctx context.Context, cfg RunConfig, kr *KernelRun, img *Image, scale string, nSuites int, withSelftests bool) {
	k := kr.Kernel
	appendArgs, timeout := guestAppend(cfg, k, scale, nSuites), cfg.VMTimeout
	if withSelftests {
		appendArgs += " " + kernel.SelftestTimeoutEnv + "=" + SelftestBudget.String()
		timeout += SelftestBudget
	}
	vm := &VM{
		Arch: k.Arch, Kernel: cfg.Cache.BootKernel(ctx, k, cfg.logf), Initrd: img.Path, Append: appendArgs,
		MemoryMB: vmMemory(cfg, k, img), CPUs: max(1, cfg.CPUs), Timeout: timeout,
		Silence:    vmSilence(cfg.VMTimeout, nSuites),
		ConsoleLog: filepath.Join(kr.Dir, "console.log"),
		ResultLog:  filepath.Join(kr.Dir, "results.stream"),
	}
	kr.judgeVM(vm, vm.Run(ctx))
}

// judgeVM decodes what the VM streamed into kr; how the VM ended explains
// a MISS. Nothing here can turn a harness fault into FAIL: an incomplete
// stream only ever adds MISS.
func (kr *KernelRun) judgeVM(vm *VM, res VMResult) {
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
	// Only the end of the console: a guest that flooded it must not be
	// read back into memory whole.
	kr.ConsoleTail = tail(printable(readTail(vm.ConsoleLog, consoleTailBytes)), 25)

	// How the VM ended explains a MISS better than the stream defects do.
	why := vm.EndReason(res)
	if why != "" && !s.Complete() {
		if kr.Miss != "" {
			kr.Miss = why
		} else {
			kr.set(BootRow, Cell{Result: MISS, Reason: why + "; " + kr.Cells[BootRow.Key()].Reason})
		}
	}
}

// SelftestBudget is how long the kernel's own selftests may take in a VM,
// all programs together, on top of the suites' deadline.
var SelftestBudget = 8 * time.Minute

// guestAppend is the kernel command line beyond the base: the config
// variant's boot arguments, then words with '=' that the kernel does not
// know, which become /init's environment, then the user's -append.
func guestAppend(cfg RunConfig, k *Kernel, scale string, nSuites int) string {
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
		add(kernel.AllowMissingEnv + "=" + am)
	}
	add(kernel.SuiteTimeoutEnv + "=" + suiteTimeout(cfg.VMTimeout, nSuites).String())
	add(cfg.Append)
	return strings.Join(words, " ")
}

// vmMemory is -memory, or enough for the initramfs unpacked into RAM next
// to its own copy.
func vmMemory(cfg RunConfig, k *Kernel, img *Image) int {
	mem := cfg.MemoryMB
	if mem == 0 {
		mem = max(512, int(img.Size/(1<<20))*3+384)
	}
	if k.Arch == "386" {
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
