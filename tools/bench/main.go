// Command bench times the pidfdconf suites against the kernel's own pidfd
// selftests (built from Debian's linux-source package) on the running kernel,
// in one run, and checks the suites' time budgets. Then, per VM kernel (by
// default those of `make vm-smoke`), it boots the suites and that kernel's
// selftests each in a VM of their own, -vm-runs times (the medians count,
// and the ratio is the median of each run's), and the kernel once more
// with /init alone: bare boot, boot + suites, the initramfs sizes and the
// ratio ours/theirs.
//
//	go run ./tools/bench [-source 6.12] [-out out/bench] [-strict] [-selftests=false] [-jobs N] [-vm-kernels "SPECS"|none] [-vm-runs N]
//
// Exit codes: 0 measured (and, with -strict, within budget), 1 over budget
// with -strict or a run failed, 3 setup error (no source package, no gcc).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/image"
)

// budgets are the wall-time limits for suites run together natively, as
// root, on an idle machine: the suites wait for events where the kernel
// selftests sleep, so signal+poll (with the 1000-process poll stress) must
// finish within 3 s and getfd+pidfs within 2 s (each suite's wall as it
// ran beside the others); every suite together (nil: the whole run, the
// suites side by side) within 10 s.
var budgets = []struct {
	suites []string
	limit  time.Duration
}{
	{[]string{"signal", "poll"}, 3 * time.Second},
	{[]string{"getfd", "pidfs"}, 2 * time.Second},
	{nil, 10 * time.Second},
}

func main() {
	source := flag.String("source", "6.12", "Debian linux-source version whose selftests to build")
	out := flag.String("out", "out/bench", "directory for bench.json and the runs' output")
	strict := flag.Bool("strict", false, "exit 1 when a suite group or a VM figure is over its budget")
	withSelftests := flag.Bool("selftests", true, "also build and time the kernel's selftests")
	jobs := flag.Int("jobs", runtime.NumCPU(), "suites run at once natively")
	vmRuns := flag.Int("vm-runs", 3, "times each VM column runs, its suites and its selftests; its figures are the medians")
	vmKernels := flag.String("vm-kernels", "", "kernel specs for the VM figures (default: the vm-smoke kernels; none: no VMs)")
	flag.Parse()
	if *jobs < 1 {
		fail(3, fmt.Errorf("-jobs %d: give at least 1 (suites run at once)", *jobs))
	}
	if *vmRuns < 1 {
		fail(3, fmt.Errorf("-vm-runs %d: give at least 1 (runs of each VM column)", *vmRuns))
	}
	// Ctrl-C cancels the VMs: QEMU dies with its process group.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(3, err)
	}
	cacheDir := cache.DefaultDir()

	var selftests []string
	if *withSelftests {
		var err error
		if selftests, err = buildSelftests(ctx, cache.Cache{Dir: cacheDir}, *source); err != nil {
			fail(3, err)
		}
	}
	suites, err := buildSuites(*out)
	if err != nil {
		fail(3, err)
	}
	// The suites start their helpers from the role binaries, as `make
	// suites` does; the variables are inherited by every suite run.
	outAbs, _ := filepath.Abs(*out)
	roles, err := image.BuildRoleBinaries(ctx, ".", outAbs, runtime.GOARCH, logf)
	if err != nil {
		fail(3, err)
	}
	os.Setenv(kernel.RoleBinaryEnv, roles.Go)
	os.Setenv(kernel.RoleCBinaryEnv, roles.C)
	var results []Measurement
	for _, st := range selftests {
		results = append(results, runSelftest(st, *out))
	}
	results = append(results, runSuites(suites, *out, *jobs)...)
	printTable(os.Stdout, results)
	over := printBudgets(os.Stdout, results)
	writeJSON(filepath.Join(*out, "bench.json"), results)

	vms, sc, err := benchVMs(ctx, *vmKernels, *out, cacheDir, *withSelftests, *vmRuns)
	if err != nil {
		fail(3, err)
	}
	printVMTable(os.Stdout, vms, sc)
	over = printVMBudgets(os.Stdout, vms, sc) || over
	if len(vms) > 0 {
		writeJSON(filepath.Join(*out, "bench-vm.json"), vms)
	}
	if failed(results, vms) || (over && *strict) {
		os.Exit(1)
	}
}

func writeJSON(path string, v any) {
	data, _ := json.MarshalIndent(v, "", "  ")
	os.WriteFile(path, append(data, '\n'), 0o644)
	fmt.Printf("written: %s\n", path)
}

// failed: a run that did not produce its figures fails the bench.
func failed(results []Measurement, vms []VMResult) bool {
	for _, r := range results {
		if r.Error != "" {
			return true
		}
	}
	for _, r := range vms {
		if r.Error != "" {
			return true
		}
	}
	return false
}

// logf prints a line of progress, such as a package being installed.
func logf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

func fail(code int, err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(code)
}
