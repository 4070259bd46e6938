// Command pidfdconf-vm is the vm/ runner: `matrix` boots kernels, runs every
// suite in each and prints the verdict matrix; `kernels` only fetches and
// builds the kernels into the cache; `compare` judges a finished run against
// a baseline run. Exit codes: 0 all PASS/SKIP/XFAIL, 1 FAIL/TIMEOUT, 2 MISS
// (and no FAIL), 3 usage or setup error. With a baseline: 1 only on a
// regression, 2 when a compared kernel did not boot, else 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/pidfdconf/pidfdconf/vm"
	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/gate"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/kselftest"
	"github.com/pidfdconf/pidfdconf/vm/report"
)

const usage = `usage: pidfdconf-vm matrix|kernels [flags]
       pidfdconf-vm compare [-baseline-map OLD=NEW,...] OLD/matrix.json NEW/matrix.json
       pidfdconf-vm merge -out DIR [-baseline OLD/matrix.json] SHARD/matrix.json...
       pidfdconf-vm bisect-run -kernel SPEC -focus GLOB [-root DIR] [flags]
       pidfdconf-vm mutants [-mutants NAME,...] [-source X.Y|latest] [-out DIR]
       pidfdconf-vm tree-git DIR GIT-ARGS...

  matrix    boot every kernel, run the suites, print the matrix, write reports
            (-baseline OLD/matrix.json: regressions against that run first)
  kernels   fetch/build the kernels into the cache and print what they are
  compare   judge a finished run against a baseline run without booting;
            writes regressions.{txt,json} beside NEW/matrix.json
  merge     combine the matrix.json of shards (matrix -shard I/N) into one
            matrix with every report in DIR; same exit codes as matrix
  bisect-run  one step of "git bisect run": boot one kernel (tree:PATH builds the
            tree's current commit), run only the suites holding specs that match
            GLOB ("<suite>: <full spec text>"), judge only those specs, without
            vm/judge/expectations.txt; exit 0 good, 1 bad (FAIL/TIMEOUT), 125 skip
            (did not build or boot, MISS, all SKIP), 128 anything else (stops
            the bisection)
  tree-git  git GIT-ARGS in the kernel tree DIR with hooks, fsmonitor, filters
            and every other command the tree's git config may name turned off
            (make bisect-run's git bisect start and run)
  mutants   build each kernel mutation of vm/mutants/mutations.txt, boot it
            with the suites expected to catch it, print the mutation score;
            exit 0 when every non-equivalent mutant is killed and the
            unmutated base is clean, 1 survivor or unclean base, 2 MISS

$PIDFDCONF_VM_ARGS: more arguments, appended to the command line, split into
words as a shell would (quotes, backslashes) without expanding anything
(make passes VM_FLAGS, SHARDS and MUTANT_FLAGS so).

kernel specs (-kernels, space or comma separated):
  host                    the running kernel, suites run natively
  file:PATH               a bzImage (a config next to it is optional)
  apt:PACKAGE             a Debian linux-image package or glob (newest wins), downloaded, never installed
  apt:ARCHIVE/PACKAGE     the same from one Debian archive (bookworm, trixie, trixie-backports, sid,
                          experimental), through a private apt configuration in the cache
  build:X.Y:CONFIG        Debian linux-source-X.Y, tinyconfig + vm/configs/CONFIG
  build:latest:CONFIG     the same from the newest linux-source Debian has released
  tree:PATH[:CONFIG]      the kernel source tree at PATH (a git checkout or an unpacked tarball),
                          built out of tree into the cache with tinyconfig + vm/configs/CONFIG
                          (default minimal), keyed by its commit (and uncommitted changes) or content
`

func main() {
	os.Exit(run(os.Args[1:]))
}

// options are the parsed flags of one invocation.
type options struct {
	cmd                               string // matrix or kernels
	kernels, configs, out, appendArgs string
	smoke, strict, selftests          bool
	kselftest                         bool
	kselftestArch                     string
	timeout                           time.Duration
	jobs, memory, cpus                int
	cache                             string
	baseline, baselineMap, shard      string
}

func run(args []string) int {
	more, err := envArgs()
	if err != nil {
		return fail(err)
	}
	args = append(args, more...)
	if len(args) > 0 && args[0] == "tree-git" {
		return runTreeGit(args[1:])
	}
	if len(args) > 0 && args[0] == "compare" {
		return runCompare(args[1:])
	}
	if len(args) > 0 && args[0] == "merge" {
		return runMerge(args[1:])
	}
	if len(args) > 0 && args[0] == "bisect-run" {
		return runBisect(args[1:])
	}
	if len(args) > 0 && args[0] == "mutants" {
		return runMutants(args[1:])
	}
	if len(args) == 0 || (args[0] != "matrix" && args[0] != "kernels") {
		fmt.Fprint(os.Stderr, usage)
		return judge.ExitSetup
	}
	o, code, ok := parseFlags(args[0], args[1:])
	if !ok {
		return code
	}
	// Ctrl-C / SIGTERM cancel the context: every QEMU is killed with its
	// process group before we exit.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	specs, err := kernelSpecs(o)
	if err != nil {
		return fail(err)
	}
	c := cache.Cache{Dir: o.cache}
	if o.cmd == "kernels" {
		return listKernels(ctx, c, specs)
	}
	return runMatrix(ctx, o, c, specs)
}

// parseFlags parses the flags of cmd; when ok is false the run ends with code.
func parseFlags(cmd string, args []string) (o options, code int, ok bool) {
	o.cmd = cmd
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, usage, "\nflags:\n"); fs.PrintDefaults() }
	fs.StringVar(&o.kernels, "kernels", "", "kernel specs (default: host + Debian's newest 6.1, 6.12 and "+kernels.NewestDebianKernel+"; none: no default)")
	fs.StringVar(&o.configs, "configs", "", "config variants built from the newest Debian linux-source (build:"+kernels.ConfigSourceVersion+":CONFIG): all, or names from vm/configs (added to the -kernels columns; -kernels none for configs only)")
	fs.BoolVar(&o.smoke, "smoke", false, "default to Debian's 6.1 and newest kernels only (make vm-smoke)")
	fs.StringVar(&o.out, "out", "out", "reports go to OUT/<run id>/ (OUT/latest links to it)")
	fs.StringVar(&o.appendArgs, "append", "", "extra kernel command line for every VM, e.g. rdinit=/nonexistent to see a MISS")
	fs.BoolVar(&o.strict, "strict", false, "XPASS (a stale expectation) fails the run")
	fs.BoolVar(&o.selftests, "selftests", true, "also run the kernel's own pidfd selftests (from Debian's linux-source of its version) in every VM and cross-check them with the specs that mirror them")
	fs.BoolVar(&o.kselftest, "kselftest", false, "also boot every VM kernel once more as a lab runs kselftests: a busybox guest running the kernel's run_kselftest.sh -c pidfdconf over make kselftest-install's collection for the column's userspace; its KTAP, read by kunit_parser.py, must agree spec by spec with the column's own run (row \"(kselftest: ...)\")")
	fs.StringVar(&o.kselftestArch, "kselftest-arch", "", "with -kselftest: the userspace ARCH every VM column must have (x86_64, i386 or arm64); a column of another is a usage error")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "deadline per VM")
	fs.IntVar(&o.jobs, "jobs", 0, "VMs at once (default: number of cores)")
	fs.IntVar(&o.memory, "memory", 0, "VM memory in MB (default: sized to the initramfs)")
	fs.IntVar(&o.cpus, "cpus", 2, "vCPUs per VM")
	fs.StringVar(&o.cache, "cache", cache.DefaultDir(), "kernel cache directory ($CACHE_DIR)")
	fs.StringVar(&o.baseline, "baseline", "", "matrix.json of an earlier run: print regressions against it first; exit 1 only on a regression")
	fs.StringVar(&o.shard, "shard", "", "I/N: run only every N-th kernel column starting at the I-th (merge the shards with pidfdconf-vm merge)")
	fs.StringVar(&o.baselineMap, "baseline-map", "", "baseline columns compared with differently named columns: OLD=NEW,... (default: by name)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, judge.ExitOK, false
		}
		return o, judge.ExitSetup, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "pidfdconf-vm: unexpected argument %q: kernels go in -kernels \"...\"\n", fs.Arg(0))
		return o, judge.ExitSetup, false
	}
	if o.kselftestArch != "" {
		if _, err := kselftest.GOARCH(o.kselftestArch); err != nil {
			fmt.Fprintf(os.Stderr, "pidfdconf-vm: -kselftest-arch: %v (make kselftest-vm ARCH=…)\n", err)
			return o, judge.ExitSetup, false
		}
		if !o.kselftest {
			fmt.Fprintln(os.Stderr, "pidfdconf-vm: -kselftest-arch needs -kselftest (make kselftest-vm ARCH=…)")
			return o, judge.ExitSetup, false
		}
	}
	return o, 0, true
}

// kernelSpecs are the columns: -kernels (or the default matrix when empty)
// plus the -configs variants; -kernels none leaves only the config columns.
func kernelSpecs(o options) ([]kernels.KernelSpec, error) {
	def := kernels.DefaultKernels
	if o.smoke {
		def = kernels.SmokeKernels
	}
	list := o.kernels
	if list == "none" {
		list, def = "", nil
	}
	specs, err := kernels.ParseKernelList(list, def)
	if err == nil && o.configs != "" {
		var more []kernels.KernelSpec
		more, err = kernels.ConfigKernels(o.configs)
		specs = append(specs, more...)
	}
	if err != nil {
		return nil, err
	}
	shard, err := gate.ParseShard(o.shard)
	if err != nil {
		return nil, err
	}
	specs = shard.Select(specs)
	if len(specs) == 0 {
		return nil, fmt.Errorf("shard %s has no kernel column: the run has fewer columns than shards", o.shard)
	}
	return specs, nil
}

// listKernels is `pidfdconf-vm kernels`: resolve and describe, boot nothing.
func listKernels(ctx context.Context, c cache.Cache, specs []kernels.KernelSpec) int {
	r := &kernels.Resolver{Cache: c, Log: os.Stderr}
	for _, s := range specs {
		k, err := r.Resolve(ctx, s)
		if err != nil {
			return fail(err)
		}
		fmt.Printf("%-28s %s\n", k.Name, k.Describe)
	}
	return judge.ExitOK
}

// runMatrix is `pidfdconf-vm matrix`: the whole run, then the terminal report.
func runMatrix(ctx context.Context, o options, c cache.Cache, specs []kernels.KernelSpec) int {
	root, err := image.ModuleRoot(".")
	if err != nil {
		return fail(err)
	}
	exps, err := judge.DefaultExpectations()
	if err != nil {
		return fail(err)
	}
	mapping, err := gate.ParseBaselineMap(o.baselineMap)
	if err != nil {
		return fail(err)
	}
	if o.baseline != "" {
		// A missing baseline is a setup error before anything boots.
		if _, err := gate.LoadMatrixJSON(o.baseline); err != nil {
			return fail(err)
		}
	}
	m, err := vm.Run(ctx, vm.RunConfig{
		Root: root, Out: o.out, Specs: specs, Append: o.appendArgs, Strict: o.strict, Selftests: o.selftests,
		Kselftest: o.kselftest, KselftestArch: o.kselftestArch,
		VMTimeout: o.timeout, Jobs: o.jobs, MemoryMB: o.memory, CPUs: o.cpus, Cache: c,
		Log: os.Stderr, Expectations: exps,
	})
	if err != nil {
		return fail(err)
	}
	return printReport(m, filepath.Join(o.out, m.RunID), o.baseline, mapping)
}

// printReport prints the regressions against baseline (if any) first, then the
// matrix, and returns the exit code: the comparison's with a baseline, the
// matrix's without.
func printReport(m *judge.Matrix, dir, baseline string, mapping map[string]string) int {
	code := m.ExitCode()
	if baseline != "" {
		c, err := gate.CompareRun(m, baseline, mapping)
		if err == nil {
			err = gate.WriteComparison(c, dir)
		}
		if err != nil {
			return fail(err)
		}
		fmt.Print("\n" + c.Text())
		code = c.ExitCode
	}
	fmt.Print("\n" + report.Text(m))
	fmt.Printf("reports: %s/{matrix.txt,matrix.md,matrix.json,matrix.html,junit.xml}\n", dir)
	if baseline != "" {
		fmt.Printf("exit %d: judged against the baseline (1 only on a regression; regressions.txt)\n", code)
	}
	return code
}

// runMerge is `pidfdconf-vm merge`: the shards' matrix.json files become
// one matrix with every report, judged like one run.
func runMerge(args []string) int {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	out := fs.String("out", "", "directory for the merged reports (must not hold an earlier merge)")
	baseline := fs.String("baseline", "", "matrix.json of an earlier run: print regressions against it first")
	baselineMap := fs.String("baseline-map", "", "baseline columns compared with differently named columns: OLD=NEW,...")
	if err := fs.Parse(args); err != nil {
		return judge.ExitSetup
	}
	if *out == "" || fs.NArg() == 0 {
		fmt.Fprint(os.Stderr, usage)
		return judge.ExitSetup
	}
	mapping, err := gate.ParseBaselineMap(*baselineMap)
	if err != nil {
		return fail(err)
	}
	m, err := gate.Merge(fs.Args())
	if err == nil {
		err = gate.WriteMerged(m, *out)
	}
	if err != nil {
		return fail(err)
	}
	return printReport(m, *out, *baseline, mapping)
}

// runCompare is `pidfdconf-vm compare OLD NEW`: the baseline check of two
// finished runs, no boot.
func runCompare(args []string) int {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	baselineMap := fs.String("baseline-map", "", "baseline columns compared with differently named columns: OLD=NEW,...")
	if err := fs.Parse(args); err != nil {
		return judge.ExitSetup
	}
	if fs.NArg() != 2 {
		fmt.Fprint(os.Stderr, usage)
		return judge.ExitSetup
	}
	mapping, err := gate.ParseBaselineMap(*baselineMap)
	if err != nil {
		return fail(err)
	}
	c, err := gate.CompareFiles(fs.Arg(0), fs.Arg(1), mapping)
	if err == nil {
		err = gate.WriteComparison(c, filepath.Dir(fs.Arg(1)))
	}
	if err != nil {
		return fail(err)
	}
	fmt.Print(c.Text())
	return c.ExitCode
}

func fail(err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "pidfdconf-vm: interrupted")
	} else {
		fmt.Fprintln(os.Stderr, "pidfdconf-vm:", err)
	}
	return judge.ExitSetup
}
