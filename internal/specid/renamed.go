package specid

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
)

// renamedTxt is the record of every ID change, built into each program
// that pairs results across runs, so none depends on a checkout or the
// working directory to find it.
//
//go:embed renamed.txt
var renamedTxt string

// A Rename is one line of renamed.txt: the spec of Suite that was Old is New.
type Rename struct {
	Suite, Old, New string
	Line            int // in renamed.txt
}

// RenamesFile is where the table lives, for messages.
const RenamesFile = "internal/specid/renamed.txt"

var renames, renamesErr = ParseRenames(renamedTxt)

// Renames is the table in renamed.txt, or why it is malformed.
func Renames() ([]Rename, error) { return renames, renamesErr }

// FormerIDs are the IDs the spec of suite (as in KTAP: "open", "signal")
// now called id had before, the latest first, following renames of
// renames. A baseline row under one of them is the same spec.
func FormerIDs(suite, id string) []string {
	var former []string
	seen := map[string]bool{id: true}
	for queue := []string{id}; len(queue) > 0; queue = queue[1:] {
		for i := len(renames) - 1; i >= 0; i-- {
			r := renames[i]
			if r.Suite == suite && r.New == queue[0] && !seen[r.Old] {
				seen[r.Old] = true
				former = append(former, r.Old)
				queue = append(queue, r.Old)
			}
		}
	}
	return former
}

var suiteName = regexp.MustCompile(`^[a-z0-9]+$`)

// ParseRenames reads a rename table: "<suite> <old id> <new id>" a line,
// "#" comments and blank lines. An old ID is renamed at most once (else a
// baseline row would have two later selves) and no ID comes back.
func ParseRenames(text string) ([]Rename, error) {
	var out []Rename
	renamed := map[string]int{} // suite + old ID → its line
	for i, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("%s:%d: want \"<suite> <old id> <new id>\", got %q", RenamesFile, i+1, line)
		}
		r := Rename{Suite: f[0], Old: f[1], New: f[2], Line: i + 1}
		if !suiteName.MatchString(r.Suite) {
			return nil, fmt.Errorf("%s:%d: suite %q is not a suite's short name (open, signal, …)", RenamesFile, r.Line, r.Suite)
		}
		for _, id := range []string{r.Old, r.New} {
			if err := Check(id); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", RenamesFile, r.Line, err)
			}
		}
		if r.Old == r.New {
			return nil, fmt.Errorf("%s:%d: %q is renamed to itself; drop the line", RenamesFile, r.Line, r.Old)
		}
		key := r.Suite + "\x00" + r.Old
		if first, ok := renamed[key]; ok {
			return nil, fmt.Errorf("%s:%d: %s %q was already renamed on line %d; an ID has one later self", RenamesFile, r.Line, r.Suite, r.Old, first)
		}
		renamed[key] = r.Line
		out = append(out, r)
	}
	next := map[string]string{} // suite + ID → the ID it was renamed to
	for _, r := range out {
		next[r.Suite+"\x00"+r.Old] = r.New
	}
	for _, r := range out {
		// Each ID has at most one later self, so the renames from one ID
		// form a chain; a chain that reaches its start again is a cycle.
		id := r.New
		for range out {
			if id == r.Old {
				return nil, fmt.Errorf("%s:%d: renaming %s %q to %q closes a cycle; an ID never comes back", RenamesFile, r.Line, r.Suite, r.Old, r.New)
			}
			if id = next[r.Suite+"\x00"+id]; id == "" {
				break
			}
		}
	}
	return out, nil
}
