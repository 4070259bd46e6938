// Command pidfdconf-vm is the vm/ runner: `matrix` boots kernels, runs every
// suite in each and prints the verdict matrix; `kernels` only fetches and
// builds the kernels into the cache. Exit codes: 0 all PASS/SKIP/XFAIL,
// 1 FAIL/TIMEOUT, 2 MISS (and no FAIL), 3 usage or setup error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pidfdconf/pidfdconf/vm"
)

const usage = `usage: pidfdconf-vm matrix|kernels [flags]

  matrix    boot every kernel, run the suites, print the matrix, write reports
  kernels   fetch/build the kernels into the cache and print what they are

kernel specs (-kernels, space or comma separated):
  host                    the running kernel, suites run natively
  file:PATH               a bzImage (a config next to it is optional)
  apt:PACKAGE             a Debian linux-image package or glob (newest wins), downloaded, never installed
  apt:SUITE/PACKAGE       the same from one Debian suite (bookworm, trixie, trixie-backports, sid,
                          experimental), through a private apt configuration in the cache
  build:X.Y:CONFIG        Debian linux-source-X.Y, tinyconfig + vm/configs/CONFIG
  build:latest:CONFIG     the same from the newest linux-source Debian has released
`

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 || (args[0] != "matrix" && args[0] != "kernels") {
		fmt.Fprint(os.Stderr, usage)
		return vm.ExitSetup
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, usage, "\nflags:\n"); fs.PrintDefaults() }
	kernels := fs.String("kernels", "", "kernel specs (default: host + Debian's newest 6.1, 6.12 and "+vm.NewestDebianKernel+"; none: no default)")
	configs := fs.String("configs", "", "config variants built from the newest Debian linux-source (build:"+vm.ConfigSourceVersion+":CONFIG): all, or names from vm/configs (added to the -kernels columns; -kernels none for configs only)")
	smoke := fs.Bool("smoke", false, "default to Debian's 6.1 and newest kernels only (make vm-smoke)")
	out := fs.String("out", "out", "reports go to OUT/<run id>/ (OUT/latest links to it)")
	appendArgs := fs.String("append", "", "extra kernel command line for every VM, e.g. rdinit=/nonexistent to see a MISS")
	strict := fs.Bool("strict", false, "XPASS (a stale expectation) fails the run")
	timeout := fs.Duration("timeout", 10*time.Minute, "deadline per VM")
	jobs := fs.Int("jobs", 0, "VMs at once (default: number of cores)")
	memory := fs.Int("memory", 0, "VM memory in MB (default: sized to the initramfs)")
	cpus := fs.Int("cpus", 2, "vCPUs per VM")
	cache := fs.String("cache", vm.DefaultCacheDir(), "kernel cache directory ($CACHE_DIR)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return vm.ExitOK
		}
		return vm.ExitSetup
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "pidfdconf-vm: unexpected argument %q: kernels go in -kernels \"...\"\n", fs.Arg(0))
		return vm.ExitSetup
	}
	// Ctrl-C / SIGTERM cancel the context: every QEMU is killed with its
	// process group before we exit.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	def := vm.DefaultKernels
	if *smoke {
		def = vm.SmokeKernels
	}
	// CONFIGS adds columns to KERNELS (the default matrix when empty);
	// -kernels none leaves only the config columns.
	if *kernels == "none" {
		*kernels, def = "", nil
	}
	specs, err := vm.ParseKernelList(*kernels, def)
	if err == nil && *configs != "" {
		var more []vm.KernelSpec
		more, err = vm.ConfigKernels(*configs)
		specs = append(specs, more...)
	}
	if err != nil {
		return fail(err)
	}
	c := vm.Cache{Dir: *cache}

	if args[0] == "kernels" {
		r := &vm.Resolver{Cache: c, Log: os.Stderr}
		for _, s := range specs {
			k, err := r.Resolve(ctx, s)
			if err != nil {
				return fail(err)
			}
			fmt.Printf("%-28s %s\n", k.Name, k.Describe)
		}
		return vm.ExitOK
	}

	root, err := vm.ModuleRoot(".")
	if err != nil {
		return fail(err)
	}
	exps, err := vm.DefaultExpectations()
	if err != nil {
		return fail(err)
	}
	m, err := vm.Run(ctx, vm.RunConfig{
		Root: root, Out: *out, Specs: specs, Append: *appendArgs, Strict: *strict,
		VMTimeout: *timeout, Jobs: *jobs, MemoryMB: *memory, CPUs: *cpus, Cache: c,
		Log: os.Stderr, Expectations: exps,
	})
	if err != nil {
		return fail(err)
	}
	fmt.Print("\n" + vm.TextReport(m))
	fmt.Printf("reports: %s/%s/{matrix.txt,matrix.md,matrix.json,matrix.html,junit.xml}\n", *out, m.RunID)
	return m.ExitCode()
}

func fail(err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "pidfdconf-vm: interrupted")
	} else {
		fmt.Fprintln(os.Stderr, "pidfdconf-vm:", err)
	}
	return vm.ExitSetup
}
