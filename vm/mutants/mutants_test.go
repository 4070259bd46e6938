package mutants

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

const twoMutations = `# a comment
name: getfd-no-ptrace-check
file: kernel/pid.c
old: 	if (!ptrace_may_access(task, MODE))
new: 	if (0)
breaks: pidfd_getfd ignores ptrace rights
expect: getfd pidfd_getfd(2) * fails with EPERM
expect: getfd *non-dumpable*

name: pidfs-exec
file: fs/pidfs.c
old: fc->s_iflags |= SB_I_NOEXEC;
new: fc->s_iflags |= 0;
breaks: pidfs is not noexec
equivalent: execveat refuses a non-regular file first
config: lsm-selinux
`

func TestParseMutations(t *testing.T) {
	muts, err := ParseMutations("list", twoMutations)
	if err != nil {
		t.Fatal(err)
	}
	if len(muts) != 2 {
		t.Fatalf("got %d mutations, want 2", len(muts))
	}
	m := muts[0]
	// old and new keep their leading tab: the text is matched verbatim.
	if m.Old != "\tif (!ptrace_may_access(task, MODE))" || m.New != "\tif (0)" {
		t.Errorf("old/new not verbatim: %q → %q", m.Old, m.New)
	}
	if m.Config != DefaultMutantConfig || m.Line != 2 || len(m.Expect) != 2 || m.Expect[1] != (ExpectedSpec{"getfd", "*non-dumpable*"}) {
		t.Errorf("parsed %+v", m)
	}
	if muts[1].Config != "lsm-selinux" || muts[1].Equivalent == "" || len(muts[1].Expect) != 0 {
		t.Errorf("parsed %+v", muts[1])
	}
	if got := m.Suites(); len(got) != 1 || got[0] != "getfd" {
		t.Errorf("Suites() = %v, want [getfd]", got)
	}
}

func TestParseMutationsRejects(t *testing.T) {
	base := "name: a\nfile: kernel/pid.c\nold: x\nnew: y\nbreaks: b\nexpect: open *\n"
	cases := map[string]string{
		"missing breaks":      "name: a\nfile: kernel/pid.c\nold: x\nnew: y\nexpect: open *\n",
		"no expect":           "name: a\nfile: kernel/pid.c\nold: x\nnew: y\nbreaks: b\n",
		"new equals old":      "name: a\nfile: kernel/pid.c\nold: x\nnew: x\nbreaks: b\nexpect: open *\n",
		"unknown key":         base + "color: red\n",
		"key twice":           base + "old: z\n",
		"expect without glob": "name: a\nfile: kernel/pid.c\nold: x\nnew: y\nbreaks: b\nexpect: open\n",
		"absolute file":       strings.Replace(base, "kernel/pid.c", "/etc/passwd", 1),
		"escaping file":       strings.Replace(base, "kernel/pid.c", "../x.c", 1),
		"bad name":            strings.Replace(base, "name: a", "name: A b", 1),
		"unknown config":      base + "config: nope\n",
		"duplicate name":      base + "\n" + base,
		"not key value":       "just text\n",
		"no name first":       "file: kernel/pid.c\n",
	}
	for what, text := range cases {
		_, err := ParseMutations("list", text)
		var se *setup.Error
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a setup error", what, err)
		}
	}
}

func TestApplyDetectsDrift(t *testing.T) {
	m := Mutation{Name: "m", File: "kernel/pid.c", Old: "if (pid <= 0)", New: "if (pid < 0)", Line: 7}
	got, err := m.Apply("a\n\tif (pid <= 0)\nb\n")
	if err != nil || got != "a\n\tif (pid < 0)\nb\n" {
		t.Errorf("Apply = %q, %v", got, err)
	}
	for text, want := range map[string]string{
		"if (pid < 1)":                   "drifted",
		"if (pid <= 0)\nif (pid <= 0)\n": "occurs 2 times",
	} {
		_, err := m.Apply(text)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `"m"`) || !strings.Contains(err.Error(), "kernel/pid.c") {
			t.Errorf("Apply(%q) error %v, want it to name the mutation, its file and %q", text, err, want)
		}
	}
}

func TestCheckMutationsNamesEveryDrift(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, map[string]string{"kernel/pid.c": "if (pid <= 0)\n"})
	muts := []Mutation{
		{Name: "ok", File: "kernel/pid.c", Old: "if (pid <= 0)", New: "if (0)"},
		{Name: "gone", File: "kernel/pid.c", Old: "if (nr <= 0)", New: "if (0)"},
		{Name: "nofile", File: "kernel/nope.c", Old: "x", New: "y"},
	}
	err := CheckMutations(src, muts)
	if err == nil || !strings.Contains(err.Error(), `"gone"`) || !strings.Contains(err.Error(), `"nofile"`) || strings.Contains(err.Error(), `"ok"`) {
		t.Errorf("CheckMutations: %v", err)
	}
	if err := CheckMutations(src, muts[:1]); err != nil {
		t.Errorf("a clean list: %v", err)
	}
}

// The private tree is hard-linked to the shared one: applying and restoring
// must never change the shared file, and a restore must leave a file newer
// than the mutant's objects so that make rebuilds it.
func TestMutantTreeNeverWritesThroughLinks(t *testing.T) {
	cache := cache.Cache{Dir: t.TempDir()}
	shared := filepath.Join(t.TempDir(), "linux-source")
	orig := "static int x;\nif (pid <= 0)\n"
	writeTree(t, shared, map[string]string{"kernel/pid.c": orig})
	m := Mutation{Name: "m", File: "kernel/pid.c", Old: "if (pid <= 0)", New: "if (pid < 0)"}
	tree, err := openMutantTree(context.Background(), cache, "src", shared, []Mutation{m}, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	private := filepath.Join(tree.dir, m.File)
	if inode(t, private) != inode(t, filepath.Join(shared, m.File)) {
		t.Fatal("the private tree is not hard-linked to the shared one")
	}
	if err := tree.apply(m); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(shared, m.File)); string(b) != orig {
		t.Fatalf("the shared file changed: %q", b)
	}
	if b, _ := os.ReadFile(private); !strings.Contains(string(b), "if (pid < 0)") {
		t.Fatalf("the private file is not mutated: %q", b)
	}
	// The mutant's object file is written after the mutated source.
	object := filepath.Join(t.TempDir(), "pid.o")
	time.Sleep(20 * time.Millisecond)
	writeTree(t, filepath.Dir(object), map[string]string{"pid.o": ""})
	time.Sleep(20 * time.Millisecond)
	if err := tree.restore(m.File); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(private); string(b) != orig {
		t.Fatalf("restore left %q", b)
	}
	if !mtime(t, private).After(mtime(t, object)) {
		t.Error("the restored file is not newer than the mutant's object: make would not rebuild it")
	}
	// A run interrupted between apply and restore is repaired on open.
	if err := tree.apply(m); err != nil {
		t.Fatal(err)
	}
	if _, err := openMutantTree(context.Background(), cache, "src", shared, []Mutation{m}, t.Logf); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(private); string(b) != orig {
		t.Fatalf("reopening left the mutation in place: %q", b)
	}
}

func TestJudgeMutant(t *testing.T) {
	m := Mutation{Name: "m", Expect: []ExpectedSpec{{"getfd", "*EPERM*"}}}
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "k"})
	kr.Set(judge.Row{Suite: "getfd", Text: "a fails with EPERM"}, judge.Cell{Result: judge.PASS})
	kr.Set(judge.Row{Suite: "getfd", Text: "b hangs"}, judge.Cell{Result: judge.SKIP})
	var res Mutant
	judgeMutant(&res, m, kr)
	if res.Verdict != Survived {
		t.Errorf("all PASS/SKIP: %s, want SURVIVED", res.Verdict)
	}
	kr.Cells[judge.Row{Suite: "getfd", Text: "b hangs"}.Key()] = judge.Cell{Result: judge.TIMEOUT}
	res = Mutant{}
	judgeMutant(&res, m, kr)
	if res.Verdict != Killed || res.ExpectedKill || len(res.Killers) != 1 {
		t.Errorf("a TIMEOUT elsewhere: %+v, want KILLED not by the expected spec", res)
	}
	kr.Cells[judge.Row{Suite: "getfd", Text: "a fails with EPERM"}.Key()] = judge.Cell{Result: judge.FAIL}
	res = Mutant{}
	judgeMutant(&res, m, kr)
	if res.Verdict != Killed || !res.ExpectedKill || len(res.Killers) != 2 {
		t.Errorf("the expected spec FAILs: %+v", res)
	}
	// A mutation that only makes a feature vanish into SKIPs survives,
	// whatever the skip says; one whose expected specs got no verdict
	// is not judged at all.
	only := judge.NewKernelRun(&kernels.Kernel{Name: "k"})
	only.Set(judge.Row{Suite: "getfd", Text: "a fails with EPERM"}, judge.Cell{Result: judge.SKIP, Reason: "requires CONFIG_X, which is off"})
	res = Mutant{}
	judgeMutant(&res, m, only)
	if res.Verdict != Survived || !strings.Contains(res.Reason, "only skipped: getfd: a fails with EPERM (requires CONFIG_X") {
		t.Errorf("only SKIPs: %+v, want SURVIVED naming the skipped spec", res)
	}
	only.Cells[judge.Row{Suite: "getfd", Text: "a fails with EPERM"}.Key()] = judge.Cell{Result: judge.MISS, Reason: "not run"}
	res = Mutant{}
	judgeMutant(&res, m, only)
	if res.Verdict != Unjudged {
		t.Errorf("expected spec MISS: %s, want MISS", res.Verdict)
	}
	kr.Miss = "no /init"
	res = Mutant{}
	judgeMutant(&res, m, kr)
	if res.Verdict != Unjudged {
		t.Errorf("a kernel that did not boot: %s, want MISS (never a kill)", res.Verdict)
	}
}

func TestBaseProblem(t *testing.T) {
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "base"})
	kr.Set(judge.Row{Suite: "open", Text: "x"}, judge.Cell{Result: judge.XFAIL})
	if p := baseProblem(kr); p != "" {
		t.Errorf("an expected failure makes the base unclean: %s", p)
	}
	kr.Set(judge.Row{Suite: "open", Text: "y"}, judge.Cell{Result: judge.FAIL})
	if p := baseProblem(kr); !strings.Contains(p, "FAIL open: y") {
		t.Errorf("baseProblem = %q", p)
	}
}

func TestScore(t *testing.T) {
	rs := []Mutant{{Verdict: Killed}, {Verdict: Killed}, {Verdict: Killed}, {Verdict: Survived}, {Verdict: Equivalent}, {Verdict: Unjudged}}
	s := Score(rs)
	if s.Total != 6 || s.Equivalent != 1 || s.Killed != 3 || s.Survived != 1 || s.Miss != 1 {
		t.Fatalf("Score = %+v", s)
	}
	if s.Ratio() != 0.6 || s.Perfect() {
		t.Errorf("ratio %v (want killed/(total-equivalent) = 3/5), perfect %v", s.Ratio(), s.Perfect())
	}
	if !strings.HasPrefix(s.String(), "3/5 = 60.0%") {
		t.Errorf("String() = %q", s.String())
	}
	run := &RunReport{Score: s}
	if run.ExitCode() != judge.ExitFail {
		t.Errorf("a survivor: exit %d, want 1", run.ExitCode())
	}
	run.Score = Score([]Mutant{{Verdict: Killed}, {Verdict: Equivalent}})
	if run.ExitCode() != judge.ExitOK || run.Score.Ratio() != 1 {
		t.Errorf("all killed: exit %d ratio %v", run.ExitCode(), run.Score.Ratio())
	}
	run.Score = Score([]Mutant{{Verdict: Killed}, {Verdict: Unjudged}})
	if run.ExitCode() != judge.ExitMiss {
		t.Errorf("a MISS only: exit %d, want 2", run.ExitCode())
	}
	run.Bases = []BaseResult{{Config: "minimal", Problem: "FAIL"}}
	run.Score = Score([]Mutant{{Verdict: Killed}})
	if run.ExitCode() != judge.ExitFail {
		t.Errorf("an unclean base: exit %d, want 1", run.ExitCode())
	}
}

func TestSelectMutations(t *testing.T) {
	all := []Mutation{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	got, err := SelectMutations(all, []string{"c", "a"})
	if err != nil || len(got) != 2 || got[0].Name != "a" || got[1].Name != "c" {
		t.Errorf("SelectMutations = %v, %v (want list order a, c)", got, err)
	}
	if _, err := SelectMutations(all, []string{"zz"}); err == nil {
		t.Error("an unknown name must be a setup error")
	}
}

// The repository's own list must parse and name existing suites.
func TestRepositoryMutationList(t *testing.T) {
	muts, err := LoadMutations("mutations.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(muts) < 25 {
		t.Errorf("%d mutations, want at least 25", len(muts))
	}
	root, err := image.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkExpected(root, muts); err != nil {
		t.Error(err)
	}
	// The list serves the sources the results are recorded for, and the
	// 7.3 one holds mutations 6.12 cannot have (the clone suite's).
	for _, xy := range []string{"6.12", "7.3"} {
		got, err := ForSource(muts, xy, nil)
		if err != nil || len(got) < 25 {
			t.Errorf("linux-source-%s: %d mutations, %v", xy, len(got), err)
		}
		if xy == "7.3" && !slices.ContainsFunc(got, func(m Mutation) bool { return slices.Contains(m.Suites(), "clone") }) {
			t.Error("no 7.3 mutation is expected to be caught by the clone suite")
		}
	}
}

func TestCheckExpectedNamesAGlobWithoutSpecs(t *testing.T) {
	root, err := image.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	muts := []Mutation{
		{Name: "typo", Line: 3, Expect: []ExpectedSpec{{"getfd", "pidfd_getfd(2) when the target is alive returns an fd with FD_CLOEXEC sett"}}},
		{Name: "nosuite", Line: 9, Expect: []ExpectedSpec{{"nope", "*"}}},
		{Name: "fine", Line: 12, Expect: []ExpectedSpec{{"getfd", "pidfd_getfd(2) *"}}},
	}
	err = checkExpected(root, muts)
	if err == nil || !strings.Contains(err.Error(), `"typo"`) || !strings.Contains(err.Error(), `"nosuite"`) || strings.Contains(err.Error(), `"fine"`) {
		t.Errorf("checkExpected: %v", err)
	}
}

func TestSources(t *testing.T) {
	for value, want := range map[string]map[string]bool{
		"6.12":      {"6.12": true, "6.1": false, "7.3": false},
		"7.3+":      {"7.3": true, "7.10": true, "8.0": true, "7.2": false, "6.12": false},
		"6.12 7.3+": {"6.12": true, "7.3": true, "7.0": false},
	} {
		s, err := ParseSources(value)
		if err != nil {
			t.Fatalf("%q: %v", value, err)
		}
		if s.String() != value {
			t.Errorf("%q reads back as %q", value, s)
		}
		for xy, in := range want {
			if s.Includes(xy) != in {
				t.Errorf("%q includes %s: %v, want %v", value, xy, !in, in)
			}
		}
	}
	for _, bad := range []string{"", "7", "v7.3", "7.3-", "7.x", "latest"} {
		if _, err := ParseSources(bad); err == nil {
			t.Errorf("source: %q must not parse", bad)
		}
	}
	must := func(v string) Sources { s, _ := ParseSources(v); return s }
	for _, c := range []struct {
		a, b Sources
		want bool
	}{
		{must("6.12"), must("7.3+"), false},
		{must("6.12"), must("6.12"), true},
		{must("7.3"), must("7.1+"), true},
		{must("6.1"), must("6.12+"), false},
		{must("6.12+"), must("7.3+"), true},
		{nil, must("6.12"), true},
	} {
		if c.a.Overlaps(c.b) != c.want || c.b.Overlaps(c.a) != c.want {
			t.Errorf("%s overlaps %s: want %v", c.a, c.b, c.want)
		}
	}
	if xy, err := sourceXY("linux-source-7.3 7.3.4-1~bpo13+1"); err != nil || xy != "7.3" {
		t.Errorf("sourceXY = %q, %v", xy, err)
	}
	if _, err := sourceXY("linux-image-7.3"); err == nil {
		t.Error("sourceXY must refuse a package that is not linux-source-X.Y")
	}
}

// One behaviour keeps its name across sources: two stanzas may share it
// only for sources that do not overlap, and a run takes the one of its
// source.
func TestOneNamePerSource(t *testing.T) {
	stanza := func(source, old string) string {
		return "name: a\nfile: kernel/pid.c\nsource: " + source + "\nold: " + old + "\nnew: y\nbreaks: b\nexpect: open *\n"
	}
	muts, err := ParseMutations("list", stanza("6.12", "old612")+"\n"+stanza("7.3+", "old73"))
	if err != nil {
		t.Fatal(err)
	}
	for xy, old := range map[string]string{"6.12": "old612", "7.3": "old73", "7.4": "old73"} {
		got, err := ForSource(muts, xy, []string{"a"})
		if err != nil || len(got) != 1 || got[0].Old != old {
			t.Errorf("linux-source-%s: %+v, %v", xy, got, err)
		}
	}
	if _, err := ForSource(muts, "6.1", []string{"a"}); err == nil || !strings.Contains(err.Error(), "no stanza for linux-source-6.1") {
		t.Errorf("a name asked for on a source it has no stanza for: %v", err)
	}
	for _, overlapping := range []string{stanza("6.12+", "x") + "\n" + stanza("7.3", "z"), "name: a\nfile: f\nold: x\nnew: y\nbreaks: b\nexpect: open *\n\n" + stanza("7.3+", "z")} {
		if _, err := ParseMutations("list", overlapping); err == nil || !strings.Contains(err.Error(), "do not overlap") {
			t.Errorf("overlapping sources for one name: %v", err)
		}
	}
	if _, err := ParseMutations("list", stanza("6.12 6.12", "x")+"source: 7.3\n"); err == nil {
		t.Error("source: given twice must be refused")
	}
}

// A survivor whose expected specs the unmutated kernel skips too says
// nothing about the suites: it is a MISS that names the skips.
func TestUntestableWhenTheBaseSkipsToo(t *testing.T) {
	m := Mutation{Name: "m", Expect: []ExpectedSpec{{"open", "io_uring *"}}}
	row := judge.Row{Suite: "open", Text: "io_uring waitid reports the exit"}
	base := judge.NewKernelRun(&kernels.Kernel{Name: "base"})
	base.Set(row, judge.Cell{Result: judge.SKIP, Reason: "requires CONFIG_IO_URING, which is off"})
	res := Mutant{Verdict: Survived}
	if !untestable(&res, m, base) || res.Verdict != Unjudged || !strings.Contains(res.Reason, "CONFIG_IO_URING") {
		t.Errorf("base skips the expected spec: %+v", res)
	}
	base.Cells[row.Key()] = judge.Cell{Result: judge.PASS}
	res = Mutant{Verdict: Survived, Reason: "expected specs only skipped: x"}
	if untestable(&res, m, base) || res.Verdict != Survived {
		t.Errorf("base passes the expected spec, the mutant's skip is a survival: %+v", res)
	}
	res = Mutant{Verdict: Killed}
	base.Cells[row.Key()] = judge.Cell{Result: judge.SKIP}
	if untestable(&res, m, base) || res.Verdict != Killed {
		t.Errorf("a kill stays a kill: %+v", res)
	}
}

// Two runs on one source take turns on the tree: a second lock waits
// until the first is released (and gives up with its context).
func TestMutantTreeLock(t *testing.T) {
	tree := &mutantTree{lockPath: filepath.Join(t.TempDir(), "lock"), logf: t.Logf}
	unlock, err := tree.lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := tree.lock(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a held lock was taken again: %v", err)
	}
	unlock()
	unlock2, err := tree.lock(context.Background())
	if err != nil {
		t.Fatalf("after the unlock: %v", err)
	}
	unlock2()
}

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Sys().(*syscall.Stat_t).Ino
}

func mtime(t *testing.T, path string) time.Time {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.ModTime()
}

// The table says how long each mutant took to build and boot, and a step
// that never ran as such.
func TestMarkdownTimes(t *testing.T) {
	run := &RunReport{Source: "linux-source-7.3 7.3.4", Mutants: []Mutant{
		{Name: "k", Config: "minimal", Verdict: Killed, Build: 61 * time.Second, Boot: 42 * time.Second, Killers: []string{"open: x"}, ExpectedKill: true},
		{Name: "e", Config: "minimal", Verdict: Equivalent, Reason: "cannot be told apart"},
	}}
	md := Markdown(run)
	for _, want := range []string{"| k |  | minimal | KILLED | 61.0s | 42.0s |", "| e |  | minimal | EQUIVALENT | – | – |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}
