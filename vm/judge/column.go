package judge

import (
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/internal/selftests"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// KernelRun is everything known about one kernel after its run.
type KernelRun struct {
	Kernel *kernels.Kernel
	// Suites are the suites the image carries for this kernel: the only
	// ones judged, whatever the guest reports.
	Suites []string
	Info   *frame.GuestInfo
	Rows   []Row
	Cells  map[string]Cell
	// SuiteMiss: suites that produced no usable report, with the cause;
	// their rows are MISS on this kernel.
	SuiteMiss map[string]string
	// Miss is set when the kernel as a whole produced nothing usable.
	Miss        string
	ConsoleTail string
	Runs        []frame.SuiteRun
	Reports     []types.Report
	Boot, Suite time.Duration // time to /init, and in the suites
	SuiteCPU    time.Duration // the suites' CPU time, helpers included
	Wall        time.Duration // start of QEMU (or native run) to the end
	Dir         string        // per-kernel output directory
	// Accel is how QEMU ran the suites' VM, "KVM" or "TCG", and AccelWhy
	// why not KVM; both "" for the host column. A reader comparing the
	// columns' times needs it: an emulated guest is many times slower.
	Accel, AccelWhy string
	// BootRetry says why the suites' VM booted twice: its first kernel
	// died or hung before /init (kept in console-first-boot.log); empty
	// otherwise.
	BootRetry string
	// InitrdBytes is the size of the initramfs the VM booted: the suites'
	// image plus, when shipped, the appended selftests archive.
	InitrdBytes int64
	// The kernel's own pidfd selftests that ran in the VM (or why none
	// did), and how their cases compare with the specs that mirror them.
	SelftestSource string        // what shipped: "linux-source-7.3 7.3.4-1~bpo13+1"
	SelftestNote   string        // why there are no selftest results
	SelftestWall   time.Duration // their own VM's wall time
	SelftestBoot   time.Duration // and its time to /init
	// SelftestBootRetry is BootRetry for their VM.
	SelftestBootRetry string
	Selftests         []selftests.ProgramRun
	CrossCheck        []selftests.Row
	// ConfigNote is what the suites said of the kernel's config: where
	// they read it from (ConfigSeen), or why there was none; "" when no
	// suite said.
	ConfigNote string
	ConfigSeen bool
	// ExpiredExpectations are the expectations that matched this kernel
	// but were past their until: ignored, and listed so they get removed
	// or renewed.
	ExpiredExpectations []string
}

// NewKernelRun is an empty column for k.
func NewKernelRun(k *kernels.Kernel) *KernelRun {
	return &KernelRun{Kernel: k, Cells: map[string]Cell{}, SuiteMiss: map[string]string{}}
}

// Set records c as r's cell, adding r to the column the first time.
func (kr *KernelRun) Set(r Row, c Cell) {
	if _, ok := kr.Cells[r.Key()]; !ok {
		kr.Rows = append(kr.Rows, r)
	}
	kr.Cells[r.Key()] = c
}

// SuiteDidNotBuild marks area's specs MISS on this kernel: its binary did
// not compile for the kernel's arch, which says nothing about the kernel.
func (kr *KernelRun) SuiteDidNotBuild(area, why string) {
	kr.SuiteMiss[area] = why
	kr.Set(Row{Suite: area, Text: suiteBuildsText}, Cell{Result: MISS, Reason: why})
}
