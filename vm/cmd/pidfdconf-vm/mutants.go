package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/mutants"
)

// runMutants is `pidfdconf-vm mutants`: build and boot each kernel mutation
// of the list, print the verdicts and the mutation score.
func runMutants(args []string) int {
	fs := flag.NewFlagSet("mutants", flag.ContinueOnError)
	list := fs.String("list", "vm/mutants/mutations.txt", "the mutation list (relative to the module root)")
	names := fs.String("mutants", "", "only these mutations: name,name,...")
	source := fs.String("source", "6.12", "Debian linux-source X.Y to mutate, or latest")
	out := fs.String("out", "out/mutants", "reports go to OUT/<run id>/")
	timeout := fs.Duration("timeout", 10*time.Minute, "deadline per VM")
	cpus := fs.Int("cpus", 2, "vCPUs per VM")
	jobs := fs.Int("jobs", 2, "mutant VMs at once while the next mutant builds")
	cacheDir := fs.String("cache", cache.DefaultDir(), "kernel cache directory ($CACHE_DIR)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return judge.ExitSetup
	}
	root, err := image.ModuleRoot(".")
	if err != nil {
		return fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	listPath := *list
	if !filepath.IsAbs(listPath) {
		listPath = filepath.Join(root, listPath)
	}
	run, err := mutants.Run(ctx, mutants.Config{
		Root: root, Out: *out, List: listPath, Names: splitNames(*names), Source: *source,
		Cache: cache.Cache{Dir: *cacheDir}, Log: os.Stderr, VMTimeout: *timeout, CPUs: *cpus, Jobs: *jobs,
	})
	if run != nil {
		fmt.Print("\n" + mutants.Text(run))
		fmt.Printf("reports: %s/{mutants.txt,mutants.md,mutants.json}\n", filepath.Join(*out, run.RunID))
	}
	if err != nil {
		return fail(err)
	}
	return run.ExitCode()
}

func splitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}
