package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pidfdconf/pidfdconf/vm"
	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/gate"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// runBisect is `pidfdconf-vm bisect-run`: one step of `git bisect run`.
// Its exit code is the step's verdict (gate.Bisect*); every problem that is
// not the kernel's exits gate.BisectAbort, never 0, so a broken harness
// cannot pass for a good commit.
func runBisect(args []string) int {
	fs := flag.NewFlagSet("bisect-run", flag.ContinueOnError)
	kernel := fs.String("kernel", "", "the one kernel spec, e.g. tree:$HOME/linux or tree:$HOME/linux:no-proc")
	focus := fs.String("focus", "", "the specs that decide: a glob over \"<suite>: <full spec text>\", e.g. 'open: pidfd_open(2) *'")
	root := fs.String("root", ".", "the pidfdconf checkout (git bisect run starts steps in the kernel tree)")
	out := fs.String("out", "out/bisect", "reports of each step go to OUT/<run id>/")
	cacheDir := fs.String("cache", cache.DefaultDir(), "kernel cache directory ($CACHE_DIR)")
	timeout := fs.Duration("timeout", 10*time.Minute, "deadline of the VM")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *kernel == "" || *focus == "" {
		fmt.Fprint(os.Stderr, usage)
		return gate.BisectAbort
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	spec, err := kernels.ParseKernelSpec(*kernel)
	if err != nil {
		return bisectFail(err)
	}
	modRoot, err := image.ModuleRoot(*root)
	if err != nil {
		return bisectFail(err)
	}
	// No expectations: a known failure must read bad here, or the
	// bisection would call the commit that introduced it good.
	m, err := vm.Run(ctx, vm.RunConfig{
		Root: modRoot, Out: *out, Specs: []kernels.KernelSpec{spec}, VMTimeout: *timeout, Jobs: 1, CPUs: 2,
		Cache: cache.Cache{Dir: *cacheDir}, Log: os.Stderr, Filter: judge.Filter{*focus},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pidfdconf-vm:", err)
		code := gate.BisectErrorCode(err)
		fmt.Fprintf(os.Stderr, "bisect-run: exit %d (%s)\n", code, bisectMeaning(code))
		return code
	}
	code, why := gate.BisectVerdict(m, judge.Filter{*focus})
	fmt.Fprintf(os.Stderr, "bisect-run: %s %s\nbisect-run: exit %d (%s)\n", m.Kernels[0].Kernel.Describe, why, code, bisectMeaning(code))
	return code
}

func bisectFail(err error) int {
	fmt.Fprintln(os.Stderr, "pidfdconf-vm:", err)
	return gate.BisectAbort
}

func bisectMeaning(code int) string {
	switch code {
	case gate.BisectGood:
		return "good"
	case gate.BisectBad:
		return "bad"
	case gate.BisectSkip:
		return "skip: this commit cannot be judged"
	}
	return "abort: not a verdict on the kernel"
}
