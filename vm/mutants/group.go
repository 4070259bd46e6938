package mutants

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pidfdconf/pidfdconf/vm"
	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/configs"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// builtKernel is one build handed from the builder to the booter; mut is
// nil for the unmutated base.
type builtKernel struct {
	mut     *Mutation
	index   int
	bzImage string
	took    time.Duration
	err     error
}

// run builds the base and every mutant of the group one after the other
// (one persistent object dir allows no parallel builds) while up to Jobs
// earlier ones boot, filling results (the group's slice of the run's) and
// checkpointing the reports after each VM. An unclean base stops the
// group: its verdicts could not be told from the base's own failures.
func (g *mutantGroup) run(ctx context.Context, exps []judge.Expectation, results []Mutant, checkpoint func() error) BaseResult {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	base := BaseResult{Config: g.variant.Name, Problem: "not built"}
	var baseRun *judge.KernelRun
	built := make(chan builtKernel)
	go g.buildAll(ctx, built)
	var mu sync.Mutex // guards base, results and the reports
	var wg sync.WaitGroup
	for range max(1, g.cfg.Jobs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range built {
				if b.mut == nil {
					br, kr := g.bootBase(ctx, b, exps)
					mu.Lock()
					baseRun = kr
					if base = br; base.Problem != "" {
						g.cfg.logf("base %s: INVALID: %s", g.variant.Name, base.Problem)
						cancel()
					}
					mu.Unlock()
					continue
				}
				mu.Lock()
				res := results[b.index]
				mu.Unlock()
				g.judge(ctx, &res, b, exps)
				mu.Lock()
				results[b.index] = res
				if err := checkpoint(); err != nil {
					g.cfg.logf("writing the reports: %v", err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if baseRun != nil && base.Problem == "" {
		for i := range results {
			if untestable(&results[i], g.muts[i], baseRun) {
				g.cfg.logf("%-10s %-34s %s", results[i].Verdict, results[i].Name, results[i].Reason)
			}
		}
		if err := checkpoint(); err != nil {
			g.cfg.logf("writing the reports: %v", err)
		}
	}
	return base
}

// judge boots one built mutant into res.
func (g *mutantGroup) judge(ctx context.Context, res *Mutant, b builtKernel, exps []judge.Expectation) {
	res.Build = b.took
	if b.err != nil {
		res.Verdict, res.Reason = Unjudged, "build failed: "+b.err.Error()
	} else {
		g.bootMutant(ctx, res, *b.mut, b.bzImage, exps)
	}
	if ctx.Err() != nil && res.Verdict == Unjudged {
		res.Verdict, res.Reason = NotRun, "interrupted"
	}
	g.cfg.logf("%-10s %-34s %s", res.Verdict, res.Name, verdictNote(res))
}

// initialResults: equivalent mutants are settled by the list, the others
// are NOT RUN until their VM says otherwise.
func initialResults(muts []Mutation) []Mutant {
	results := make([]Mutant, len(muts))
	for i, m := range muts {
		results[i] = Mutant{Name: m.Name, File: m.File, Config: m.Config, Breaks: m.Breaks, Verdict: NotRun, Suites: m.Suites()}
		for _, e := range m.Expect {
			results[i].Expected = append(results[i].Expected, e.String())
		}
		if m.Equivalent != "" {
			results[i].Verdict, results[i].Reason = Equivalent, m.Equivalent
		}
	}
	return results
}

// buildAll sends the base, then each mutant that is not equivalent.
func (g *mutantGroup) buildAll(ctx context.Context, out chan<- builtKernel) {
	defer close(out)
	send := func(b builtKernel) bool {
		select {
		case out <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	t := time.Now()
	img, err := g.build(ctx, nil)
	if !send(builtKernel{bzImage: img, took: time.Since(t), err: err}) || err != nil {
		return
	}
	for i := range g.muts {
		m := &g.muts[i]
		if m.Equivalent != "" {
			continue
		}
		t := time.Now()
		img, err := g.build(ctx, m)
		if errors.Is(err, errTreeDirty) || ctx.Err() != nil {
			g.cfg.logf("stopping the builds: %v", err)
			return
		}
		if !send(builtKernel{mut: m, index: i, bzImage: img, took: time.Since(t), err: err}) {
			return
		}
	}
}

// errTreeDirty: a mutated file could not be restored, so every later build
// of this tree would carry the mutation too.
var errTreeDirty = errors.New("the private source tree could not be restored")

// build returns the bzImage of m (the base when m is nil), from the cache
// when this source, config and mutation were built before.
func (g *mutantGroup) build(ctx context.Context, m *Mutation) (string, error) {
	key, name := cache.HashStrings(g.in.Key, "unmutated"), "base-"+g.variant.Name
	if m != nil {
		key, name = cache.HashStrings(g.in.Key, m.File, m.Old, m.New), m.Name
	}
	dir, err := g.cfg.Cache.Fill("mutant", key, func(tmp string) (err error) {
		unlock, err := g.tree.lock(ctx)
		if err != nil {
			return err
		}
		defer unlock()
		if m != nil {
			if err := g.tree.apply(*m); err != nil {
				return err
			}
			defer func() {
				if rerr := g.tree.restore(m.File); rerr != nil {
					err = errors.Join(errTreeDirty, rerr)
				}
			}()
		}
		return g.make(ctx, name, tmp)
	})
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "bzImage"), nil
}

// make builds incrementally in the group's object dir and copies the
// bzImage and its config into dst.
func (g *mutantGroup) make(ctx context.Context, name, dst string) error {
	b, err := kernels.OpenBuild(g.tree.dir, g.obj, kernels.MakeArch(g.variant.Arch), g.logPath(name))
	if err != nil {
		return err
	}
	defer b.Close()
	img, err := b.BzImage(ctx)
	if err != nil {
		return err
	}
	if err := cache.CopyFile(img, filepath.Join(dst, "bzImage"), 0o644); err != nil {
		return err
	}
	return cache.CopyFile(filepath.Join(g.obj, ".config"), filepath.Join(dst, "config"), 0o644)
}

// boot runs suites (all when nil) on bzImage through the matrix runner,
// its reports under the run's vm/<name>/.
func (g *mutantGroup) boot(ctx context.Context, name, bzImage string, specs judge.Filter, exps []judge.Expectation) (*judge.KernelRun, error) {
	vmDir := filepath.Join(g.dir, "vm")
	if err := os.MkdirAll(vmDir, 0o755); err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(vmDir, name+".log"))
	if err != nil {
		return nil, err
	}
	defer log.Close()
	bootArgs, err := configs.BootArgs(g.variant.BootArgs)
	if err != nil {
		return nil, err
	}
	m, err := vm.Run(ctx, vm.RunConfig{
		Root: g.cfg.Root, Out: filepath.Join(vmDir, name), Append: bootArgs,
		Specs:     []kernels.KernelSpec{{Raw: "file:" + bzImage, Kind: kernels.KindFile, Path: bzImage}},
		VMTimeout: g.cfg.VMTimeout, Jobs: 1, CPUs: g.cfg.CPUs, Cache: g.cfg.Cache,
		Log: log, Expectations: exps, Filter: specs,
	})
	if err != nil {
		return nil, err
	}
	return m.Kernels[0], nil
}

// bootBase runs every suite on the unmutated kernel; the run is nil when
// the kernel did not build or its run failed.
func (g *mutantGroup) bootBase(ctx context.Context, b builtKernel, exps []judge.Expectation) (BaseResult, *judge.KernelRun) {
	base := BaseResult{Config: g.variant.Name, Build: b.took, Dir: filepath.Join(g.dir, "vm", "base-"+g.variant.Name)}
	if b.err != nil {
		base.Problem = "the unmutated kernel did not build: " + b.err.Error()
		return base, nil
	}
	t := time.Now()
	kr, err := g.boot(ctx, "base-"+g.variant.Name, b.bzImage, nil, exps)
	base.Boot = time.Since(t)
	if err != nil {
		base.Problem = "the unmutated kernel's run failed: " + err.Error()
		return base, nil
	}
	base.Problem = baseProblem(kr)
	for _, c := range kr.Cells {
		if c.Result == judge.PASS {
			base.Passed++
		}
	}
	g.cfg.logf("base %s: %d specs PASS, %s (build %s, VM %s)", g.variant.Name, base.Passed, format.Or(base.Problem, "clean"), format.Duration(base.Build), format.Duration(base.Boot))
	return base, kr
}

// bootMutant runs the suites holding m's expected specs on its kernel.
func (g *mutantGroup) bootMutant(ctx context.Context, res *Mutant, m Mutation, bzImage string, exps []judge.Expectation) {
	res.Dir = filepath.Join(g.dir, "vm", m.Name)
	t := time.Now()
	kr, err := g.boot(ctx, m.Name, bzImage, m.Killers(), exps)
	res.Boot = time.Since(t)
	if err != nil {
		res.Verdict, res.Reason = Unjudged, "the run failed: "+err.Error()
		return
	}
	judgeMutant(res, m, kr)
}
