package mutants

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/configs"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/report"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Config is one `pidfdconf-vm mutants` invocation.
type Config struct {
	Root      string   // module root
	Out       string   // reports go to Out/<run id>/
	List      string   // the mutation list file
	Names     []string // a subset of the list; empty: all
	Source    string   // linux-source X.Y or "latest"
	Cache     cache.Cache
	Log       io.Writer
	VMTimeout time.Duration
	CPUs      int
	Jobs      int // VMs at once (builds are always one at a time)
}

func (cfg Config) logf(format string, args ...any) {
	fmt.Fprintf(cfg.Log, format+"\n", args...)
}

// RunReport is the outcome of one run.
type RunReport struct {
	RunID   string        `json:"run"`
	Dir     string        `json:"-"`
	Source  string        `json:"source"`
	Bases   []BaseResult  `json:"bases"`
	Mutants []Mutant      `json:"mutants"`
	Score   MutationScore `json:"score"`
	Wall    time.Duration `json:"wall_ns"`
	start   time.Time
}

// BaseResult is the unmutated kernel of one config.
type BaseResult struct {
	Config  string        `json:"config"`
	Problem string        `json:"problem,omitempty"` // "" when clean
	Passed  int           `json:"passed"`
	Build   time.Duration `json:"build_ns"`
	Boot    time.Duration `json:"vm_ns"`
	Dir     string        `json:"dir"`
}

// Valid: every base booted and had no FAIL, so each kill is the mutant's.
func (r *RunReport) Valid() bool {
	for _, b := range r.Bases {
		if b.Problem != "" {
			return false
		}
	}
	return true
}

// Run resolves the linux-source first and keeps the list's stanzas for it,
// checks every one of them against the extracted tree (drift is a setup
// error before anything builds), then per config builds and boots the
// unmutated base and each mutant.
func Run(ctx context.Context, cfg Config) (*RunReport, error) {
	start := time.Now()
	all, err := LoadMutations(cfg.List)
	if err != nil {
		return nil, err
	}
	selected, err := SelectMutations(all, cfg.Names)
	if err != nil {
		return nil, err
	}
	if err := checkExpected(cfg.Root, selected); err != nil {
		return nil, err
	}
	exps, err := judge.DefaultExpectations()
	if err != nil {
		return nil, err
	}
	r := &kernels.Resolver{Cache: cfg.Cache, Log: cfg.Log}
	_, source, err := r.LinuxSourceTarball(ctx, cfg.Source)
	if err != nil {
		return nil, err
	}
	xy, err := sourceXY(source)
	if err != nil {
		return nil, setup.Errorf("MUTANT_SOURCE=%s: %v", cfg.Source, err)
	}
	muts, err := ForSource(selected, xy, cfg.Names)
	if err != nil {
		return nil, err
	}
	if len(muts) == 0 {
		return nil, setup.Errorf("%s: no stanza of %s is written for linux-source-%s (source: lines)", source, cfg.List, xy)
	}
	cfg.logf("%s: %d of the list's %d stanzas are written for it", source, len(muts), len(all))
	groups, err := prepareMutantGroups(ctx, cfg, r, muts, xy)
	if err != nil {
		return nil, err
	}
	runID, dir, err := report.NewRunDir(cfg.Out)
	if err != nil {
		return nil, err
	}
	run := &RunReport{RunID: runID, Dir: dir, Source: source, start: start}
	for _, g := range groups {
		g.dir = dir
		run.Mutants = append(run.Mutants, initialResults(g.muts)...)
	}
	off := 0
	for _, g := range groups {
		results := run.Mutants[off : off+len(g.muts)]
		off += len(g.muts)
		if err := g.configure(ctx); err != nil {
			if ctx.Err() != nil {
				break // interrupted: the reports still say what ran
			}
			return nil, err
		}
		base := g.run(ctx, exps, results, run.checkpoint)
		run.Bases = append(run.Bases, base)
		if ctx.Err() != nil {
			break
		}
	}
	if err := run.checkpoint(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return run, setup.Errorf("interrupted (%v): partial results in %s", err, dir)
	}
	return run, nil
}

// checkpoint rewrites the reports with the verdicts so far, so that an
// interrupted run still leaves them.
func (run *RunReport) checkpoint() error {
	run.Score = Score(run.Mutants)
	run.Wall = time.Since(run.start)
	return writeMutantReports(run)
}

// checkExpected rejects an expect: line naming a suite that does not
// exist or a glob that names no spec of the catalogue, either of which
// would otherwise make its mutant survive silently.
func checkExpected(root string, muts []Mutation) error {
	areas, err := image.DiscoverSuites(root)
	if err != nil {
		return err
	}
	cat, err := judge.LoadCatalogue(root)
	if err != nil {
		return setup.Errorf("%v", err)
	}
	var errs []string
	for _, m := range muts {
		for _, e := range m.Expect {
			switch {
			case !slices.Contains(areas, e.Suite):
				errs = append(errs, fmt.Sprintf("mutation %q (list line %d): expect: names suite %q, which is not in suites/ (%v)", m.Name, m.Line, e.Suite, areas))
			case len(cat.Rows([]string{e.Suite}, m.expectFilter(e))) == 0:
				errs = append(errs, fmt.Sprintf("mutation %q (list line %d): expect: %s names no spec of %s: copy the spec's text from there (a renamed spec?)", m.Name, m.Line, e, judge.CatalogueFile))
			}
		}
	}
	if len(errs) > 0 {
		return setup.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// groupByConfig splits the list by config in vm/configs order, so the
// minimal config, which most mutations use, builds first.
func groupByConfig(muts []Mutation) [][]Mutation {
	var groups [][]Mutation
	for _, v := range configs.Variants() {
		var g []Mutation
		for _, m := range muts {
			if m.Config == v.Name {
				g = append(g, m)
			}
		}
		if len(g) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// mutantGroup is everything the mutants of one config share: the variant,
// the build inputs, the private source tree (one per source, shared by
// every config) and the persistent object dir.
type mutantGroup struct {
	cfg     Config
	variant configs.Variant
	muts    []Mutation
	in      *kernels.BuildInputs
	tree    *mutantTree
	obj     string
	dir     string // the run's directory
}

// prepareMutantGroups resolves the build inputs of every config the
// mutations use, checks every mutation against the extracted source and
// opens the private tree, before anything builds.
func prepareMutantGroups(ctx context.Context, cfg Config, r *kernels.Resolver, muts []Mutation, xy string) ([]*mutantGroup, error) {
	var groups []*mutantGroup
	for _, gm := range groupByConfig(muts) {
		v, err := configs.Lookup(gm[0].Config)
		if err != nil {
			return nil, err
		}
		in, err := r.PrepareBuild(ctx, "mutants:"+cfg.Source+":"+v.Name, xy, v)
		if err != nil {
			return nil, err
		}
		if got, _ := sourceXY(in.Source()); got != xy {
			return nil, setup.Errorf("config %s resolved %s, not linux-source-%s like the rest of the run: run again", v.Name, in.Source(), xy)
		}
		groups = append(groups, &mutantGroup{cfg: cfg, variant: v, muts: gm, in: in,
			obj: cfg.Cache.Path("mutant-obj", in.Key[:24])})
	}
	if err := CheckMutations(groups[0].in.SrcDir, muts); err != nil {
		return nil, err
	}
	tree, err := openMutantTree(ctx, cfg.Cache, groups[0].in.SourceKey(), groups[0].in.SrcDir, muts, cfg.logf)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		g.tree = tree
	}
	return groups, nil
}

// configure runs the config step once per object dir: later runs only
// rebuild what a mutation touched.
func (g *mutantGroup) configure(ctx context.Context) error {
	stamp := filepath.Join(g.obj, ".pidfdconf-configured")
	if _, err := os.Stat(stamp); err == nil {
		return nil
	}
	if err := os.MkdirAll(g.obj, 0o755); err != nil {
		return cache.WriteError(g.obj, err)
	}
	unlock, err := g.tree.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	b, err := kernels.OpenBuild(g.tree.dir, g.obj, kernels.MakeArch(g.variant.Arch), g.logPath("configure-"+g.variant.Name))
	if err != nil {
		return err
	}
	defer b.Close()
	if err := b.Configure(ctx, g.in.Frags, g.obj); err != nil {
		return err
	}
	return os.WriteFile(stamp, []byte(g.in.Key+"\n"), 0o644)
}

func (g *mutantGroup) logPath(name string) string {
	d := filepath.Join(g.dir, "build")
	_ = os.MkdirAll(d, 0o755)
	return filepath.Join(d, name+".log")
}
