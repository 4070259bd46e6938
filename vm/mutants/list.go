package mutants

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/configs"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// A kernel mutation is a one-line change to a kernel source file that breaks
// one behaviour the suites claim to check. The list lives in
// vm/mutants/mutations.txt as stanzas of "key: value" lines separated by a
// blank line ('#' starts a comment line):
//
//	name:       getfd-no-ptrace-check
//	file:       kernel/pid.c
//	old:        exact text, occurring exactly once in file
//	new:        its replacement
//	breaks:     the behaviour the mutant breaks
//	expect:     SUITE GLOB   (repeatable: a spec expected to catch it; * in GLOB matches anything)
//	config:     vm/configs variant to build and boot (default minimal)
//	source:     the linux-sources it is written for: 6.12, 7.3+ (and newer), or a list (default: every one)
//	equivalent: why no spec can tell the mutant from the kernel (never built)
//
// old and new are taken verbatim after "key: " so that tabs, quotes and
// operators need no escaping. One list serves every source: a run keeps the
// stanzas whose source: names the linux-source it mutates (ForSource), and
// a behaviour whose code moved between sources keeps its name in one stanza
// per source range.

// DefaultMutantConfig is the config a mutation builds with unless it names one.
const DefaultMutantConfig = "minimal"

// Mutation is one entry of the list.
type Mutation struct {
	Name, File, Old, New, Breaks string
	Expect                       []ExpectedSpec
	Config                       string
	Sources                      Sources // nil: every source
	Equivalent                   string  // reason; "" for a mutation that must be killed
	Line                         int     // of "name:" in the list, for messages
}

// ExpectedSpec names the specs expected to kill a mutant: a suite and a
// glob over the spec's full text.
type ExpectedSpec struct{ Suite, Glob string }

func (e ExpectedSpec) String() string { return e.Suite + " " + e.Glob }

// Killers are the specs expected to kill m, as the filter its VM runs.
func (m Mutation) Killers() judge.Filter {
	var f judge.Filter
	for _, e := range m.Expect {
		f = append(f, m.expectFilter(e)...)
	}
	return f
}

// expectFilter is one expect: line as a filter over rows.
func (m Mutation) expectFilter(e ExpectedSpec) judge.Filter {
	return judge.Filter{e.Suite + ": " + e.Glob}
}

var mutationName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// ParseMutations parses the list text; path only labels the errors.
func ParseMutations(path, text string) ([]Mutation, error) {
	var muts []Mutation
	var cur *Mutation
	flush := func() error {
		if cur == nil {
			return nil
		}
		if err := cur.validate(); err != nil {
			return setup.Errorf("%s:%d: mutation %q: %v", path, cur.Line, cur.Name, err)
		}
		muts = append(muts, *cur)
		cur = nil
		return nil
	}
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, setup.Errorf("%s:%d: %q is not a key: value line", path, i+1, line)
		}
		value = strings.TrimPrefix(value, " ")
		if cur == nil {
			if key != "name" {
				return nil, setup.Errorf("%s:%d: a mutation starts with name:, not %s:", path, i+1, key)
			}
			cur = &Mutation{Line: i + 1, Config: DefaultMutantConfig}
		}
		if err := cur.set(key, value); err != nil {
			return nil, setup.Errorf("%s:%d: %v", path, i+1, err)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return muts, uniqueMutationNames(path, muts)
}

// set assigns one key; every key but expect appears once.
func (m *Mutation) set(key, value string) error {
	if key == "source" {
		if m.Sources != nil {
			return fmt.Errorf("source: given twice")
		}
		s, err := ParseSources(value)
		m.Sources = s
		return err
	}
	if key == "expect" {
		suite, glob, ok := strings.Cut(strings.TrimSpace(value), " ")
		if !ok || strings.TrimSpace(glob) == "" {
			return fmt.Errorf("expect: write SUITE GLOB, e.g. getfd *ptrace*")
		}
		m.Expect = append(m.Expect, ExpectedSpec{Suite: suite, Glob: strings.TrimSpace(glob)})
		return nil
	}
	fields := map[string]*string{"name": &m.Name, "file": &m.File, "old": &m.Old, "new": &m.New,
		"breaks": &m.Breaks, "config": &m.Config, "equivalent": &m.Equivalent}
	f, ok := fields[key]
	if !ok {
		return fmt.Errorf("unknown key %q (name, file, source, old, new, breaks, expect, config, equivalent)", key)
	}
	if *f != "" && key != "config" {
		return fmt.Errorf("%s: given twice", key)
	}
	*f = value
	return nil
}

func (m *Mutation) validate() error {
	switch {
	case !mutationName.MatchString(m.Name):
		return fmt.Errorf("name: lower-case letters, digits and dashes only")
	case m.File == "" || strings.HasPrefix(m.File, "/") || strings.Contains(m.File, ".."):
		return fmt.Errorf("file: a path inside the kernel source tree, e.g. kernel/pid.c")
	case m.Old == "":
		return fmt.Errorf("old: the exact text to replace is missing")
	case m.Old == m.New:
		return fmt.Errorf("new: identical to old, nothing would change")
	case m.Breaks == "":
		return fmt.Errorf("breaks: say which behaviour the mutant breaks")
	case len(m.Expect) == 0 && m.Equivalent == "":
		return fmt.Errorf("expect: name the specs expected to catch it (or say why it is equivalent)")
	}
	if _, err := configs.Lookup(m.Config); err != nil {
		return err
	}
	return nil
}

// uniqueMutationNames: a name may come back only in a stanza for other
// sources (the same behaviour where a newer source moved its code), so
// that a run never holds two mutations of one name.
func uniqueMutationNames(path string, muts []Mutation) error {
	for i, m := range muts {
		for _, earlier := range muts[:i] {
			if earlier.Name == m.Name && earlier.Sources.Overlaps(m.Sources) {
				return setup.Errorf("%s:%d: mutation %q already defined at line %d for source %s: give the two stanzas sources that do not overlap", path, m.Line, m.Name, earlier.Line, earlier.Sources)
			}
		}
	}
	return nil
}

// LoadMutations reads and parses the list file.
func LoadMutations(path string) ([]Mutation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, setup.Errorf("mutation list: %v", err)
	}
	return ParseMutations(path, string(b))
}

// SelectMutations keeps the named mutations (all when names is empty), in
// list order; a name no stanza has, for any source, is a setup error.
func SelectMutations(all []Mutation, names []string) ([]Mutation, error) {
	if len(names) == 0 {
		return all, nil
	}
	byName := map[string]bool{}
	for _, m := range all {
		byName[m.Name] = true
	}
	want := map[string]bool{}
	for _, n := range names {
		if !byName[n] {
			return nil, setup.Errorf("MUTANTS: no mutation named %q in the list", n)
		}
		want[n] = true
	}
	var out []Mutation
	for _, m := range all {
		if want[m.Name] {
			out = append(out, m)
		}
	}
	return out, nil
}

// ForSource keeps the mutations written for linux-source xy ("7.3"); a
// name asked for (names) that has no stanza for it is a setup error.
func ForSource(muts []Mutation, xy string, names []string) ([]Mutation, error) {
	var out []Mutation
	for _, m := range muts {
		if m.Sources.Includes(xy) {
			out = append(out, m)
		}
	}
	for _, n := range names {
		if !slices.ContainsFunc(out, func(m Mutation) bool { return m.Name == n }) {
			return nil, setup.Errorf("MUTANTS: mutation %q has no stanza for linux-source-%s (see its source: line)", n, xy)
		}
	}
	return out, nil
}

// Suites are the suites that hold the expected specs: the ones a mutant's
// VM carries.
func (m Mutation) Suites() []string {
	var s []string
	for _, e := range m.Expect {
		if !slices.Contains(s, e.Suite) {
			s = append(s, e.Suite)
		}
	}
	return s
}
