package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/specid"
)

// idChecker enforces the stable spec IDs kernel CI keys its history on
// (the rules are internal/specid's package doc): every spec has exactly
// one, well-formed, meaningful alone, said by its text, used by no other
// spec of any suite, and renames are recorded.
type idChecker struct {
	owner    map[string]string // ID → the spec that has it
	suiteOf  map[string]string // ID → its suite
	inSuite  map[string]bool   // suite + ID → in use
	suites   map[string]bool
	problems []string
}

func newIDChecker() *idChecker {
	return &idChecker{owner: map[string]string{}, suiteOf: map[string]string{}, inSuite: map[string]bool{}, suites: map[string]bool{}}
}

// check records what is wrong with the ID of spec s of suite (its short
// name, as in KTAP; where names the spec for the message) and returns the
// ID.
func (c *idChecker) check(suite, where string, s types.SpecReport) string {
	c.suites[suite] = true
	id, own := specid.Of(s.Labels())
	switch {
	case own == 0:
		c.add("%s: no ID; add helpers.ID(%q) (or another name for the behaviour) to its It/Entry call",
			where, specid.Slug(s.LeafNodeText))
		return ""
	case own > 1:
		c.add("%s: %d helpers.ID decorators; keep the one kernel CI already knows", where, own)
	}
	if err := specid.Check(id); err != nil {
		c.add("%s: %v; rename it in its helpers.ID call", where, err)
	} else {
		if err := specid.Alone(id); err != nil {
			c.add("%s: %v; rename it in its helpers.ID call and record the rename in %s", where, err, specid.RenamesFile)
		}
		if err := specid.Drift(id, s.FullText()); err != nil {
			c.add("%s: %v", where, err)
		}
	}
	c.inSuite[suite+"\x00"+id] = true
	if other, ok := c.owner[id]; ok {
		first, second := min(other, where), max(other, where)
		c.add("ID %q is used twice: by %s (%s) and by %s (%s); an ID names one behaviour in every suite, so keep it on the spec kernel CI knows under it and give the other an ID of its own, recorded in %s",
			id, first, c.suiteOf[id], second, suite, specid.RenamesFile)
	} else {
		c.owner[id], c.suiteOf[id] = where, suite
	}
	return id
}

// checkRenames holds the rename table (specid.Renames) against the IDs in
// use: a former ID is never in use again in its suite, and a rename
// leads to a spec.
func (c *idChecker) checkRenames(table []specid.Rename, err error) {
	if err != nil {
		c.add("%v", err)
		return
	}
	renamedAgain := map[string]bool{}
	for _, r := range table {
		renamedAgain[r.Suite+"\x00"+r.Old] = true
	}
	for _, r := range table {
		where := fmt.Sprintf("%s:%d", specid.RenamesFile, r.Line)
		switch {
		case !c.suites[r.Suite]:
			c.add("%s: there is no suite %q; name the suite as KTAP does (%s)", where, r.Suite, strings.Join(sortedKeys(c.suites), ", "))
		case c.inSuite[r.Suite+"\x00"+r.Old]:
			c.add("%s: %s ID %q was renamed but %s has it again; an ID never names another behaviour: give that spec an ID of its own",
				where, r.Suite, r.Old, c.owner[r.Old])
		case !c.inSuite[r.Suite+"\x00"+r.New] && !renamedAgain[r.Suite+"\x00"+r.New]:
			c.add("%s: no spec of %s has ID %q; write the ID the renamed spec has now", where, r.Suite, r.New)
		}
	}
}

func (c *idChecker) add(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// err lists every problem, sorted (Ginkgo reports specs in random order).
func (c *idChecker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	sort.Strings(c.problems)
	return fmt.Errorf("spec IDs (helpers/id.go, rules in internal/specid) are missing, malformed, meaningless alone, drifted or shared:\n  %s", strings.Join(c.problems, "\n  "))
}

// shortSuite is the suite's name in KTAP: "pidfd open" → "open".
func shortSuite(suite string) string { return strings.TrimPrefix(suite, "pidfd ") }

// ktapName is the name vm/report/ktap.go gives the spec: "pidfd.<suite>.<id>".
func ktapName(suite, id string) string {
	return "pidfd." + shortSuite(suite) + "." + id
}

func sortedKeys(m map[string]bool) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
