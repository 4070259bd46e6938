package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/specid"
)

// idChecker enforces the stable spec IDs kernel CI keys its history on:
// every spec has exactly one, well-formed, and no two specs of a suite
// share one.
type idChecker struct {
	owner    map[string]string // suite + ID → the spec that has it
	problems []string
}

func newIDChecker() *idChecker { return &idChecker{owner: map[string]string{}} }

// check records what is wrong with the ID of spec s of suite (where names
// it for the message) and returns the ID.
func (c *idChecker) check(suite, where string, s types.SpecReport) string {
	id, own := specid.Of(s.Labels())
	switch {
	case own == 0:
		c.problems = append(c.problems, fmt.Sprintf("%s: no ID; add helpers.ID(%q) (or another name for the behaviour) to its It/Entry call",
			where, specid.Slug(s.LeafNodeText)))
		return ""
	case own > 1:
		c.problems = append(c.problems, fmt.Sprintf("%s: %d helpers.ID decorators; keep the one kernel CI already knows", where, own))
	}
	if err := specid.Check(id); err != nil {
		c.problems = append(c.problems, fmt.Sprintf("%s: %v; rename it in its helpers.ID call", where, err))
	}
	key := suite + "\x00" + id
	if other, ok := c.owner[key]; ok {
		first, second := min(other, where), max(other, where)
		c.problems = append(c.problems, fmt.Sprintf("ID %q is used twice in %s: by %s and by %s; keep it on the spec kernel CI knows under it and give the other an ID of its own (never reuse an ID for a different behaviour)",
			id, suite, first, second))
	} else {
		c.owner[key] = where
	}
	return id
}

// err lists every problem, sorted (Ginkgo reports specs in random order).
func (c *idChecker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	sort.Strings(c.problems)
	return fmt.Errorf("spec IDs (helpers/id.go) are missing, malformed or shared:\n  %s", strings.Join(c.problems, "\n  "))
}

// shortSuite is the suite's name in KTAP: "pidfd open" → "open".
func shortSuite(suite string) string { return strings.TrimPrefix(suite, "pidfd ") }

// ktapName is the name vm/report_ktap.go gives the spec: "pidfd.<suite>.<id>".
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
