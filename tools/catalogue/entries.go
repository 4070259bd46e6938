package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/mirrors"
)

// Entry is one spec in the catalogue.
type Entry struct {
	Suite    string        `json:"suite"`
	ID       string        `json:"id"`
	KTAP     string        `json:"ktap"` // the spec's test name in ktap.txt
	Spec     string        `json:"spec"`
	Behavior string        `json:"behavior"`
	Mirrors  string        `json:"mirrors"`
	Refs     []mirrors.Ref `json:"mirrors_refs"`
	Since    string        `json:"since"`
	// ReliedOnBy names the software that depends on the behaviour (relied.go).
	ReliedOnBy []string `json:"relied_on_by,omitempty"`
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Labels     []string `json:"labels"`
}

func buildEntries(root string, reports []types.Report) ([]Entry, error) {
	var entries []Entry
	var missing, malformed []string
	sources := map[string][]string{}
	ids := newIDChecker()
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType != types.NodeTypeIt {
				continue
			}
			loc := s.LeafNodeLocation
			lines, ok := sources[loc.FileName]
			if !ok {
				var err error
				if lines, err = readLines(loc.FileName); err != nil {
					return nil, err
				}
				sources[loc.FileName] = lines
			}
			rel, _ := filepath.Rel(root, loc.FileName)
			meta := metadataAbove(lines, loc.LineNumber)
			id := ids.check(r.SuiteDescription, fmt.Sprintf("%s:%d %s", rel, loc.LineNumber, s.FullText()), s)
			if meta["Behavior"] == "" || meta["Mirrors"] == "" || meta["Since"] == "" {
				missing = append(missing, fmt.Sprintf("%s:%d %s", rel, loc.LineNumber, s.FullText()))
				continue
			}
			refs, users, err := checkBlock(meta)
			if err != nil {
				malformed = append(malformed, fmt.Sprintf("%s:%d %v", rel, loc.LineNumber, err))
				continue
			}
			entries = append(entries, Entry{
				Suite: r.SuiteDescription, ID: id, KTAP: ktapName(r.SuiteDescription, id), Spec: s.FullText(), File: rel, Line: loc.LineNumber, Labels: s.Labels(),
				Behavior: meta["Behavior"], Mirrors: meta["Mirrors"], Refs: refs, Since: meta["Since"], ReliedOnBy: users,
			})
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("specs without a Behavior/Mirrors/Since comment block:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(malformed) > 0 {
		return nil, fmt.Errorf("malformed Behavior/Mirrors/Since lines:\n  %s", strings.Join(malformed, "\n  "))
	}
	if err := ids.err(); err != nil {
		return nil, err
	}
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].Suite != entries[j].Suite {
			return entries[i].Suite < entries[j].Suite
		}
		return entries[i].Spec < entries[j].Spec
	})
	return entries, nil
}

// checkBlock lints a spec's comment block and parses its Mirrors line and
// its optional Relied on by line.
func checkBlock(meta map[string]string) ([]mirrors.Ref, []string, error) {
	for _, field := range []string{"Behavior", "Mirrors", "Since", reliedOnBy} {
		if err := lintLine(field, meta[field]); err != nil {
			return nil, nil, err
		}
	}
	refs, err := mirrors.Parse(meta["Mirrors"])
	if err != nil {
		return nil, nil, err
	}
	users, err := parseReliedOnBy(meta[reliedOnBy])
	return refs, users, err
}

// reliedOnBy is the optional field naming the software that depends on a
// spec's behaviour.
const reliedOnBy = "Relied on by"

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}

var (
	metaLine = regexp.MustCompile(`^\s*//\s*(Behavior|Mirrors|Since|Relied on by):\s*(.*)$`)
	// A spec's block may sit above its table rather than its entry, but
	// never above another It: that block belongs to the other spec.
	otherLeaf = regexp.MustCompile(`^\s*It\(`)
)

// metadataAbove finds the nearest comment block with Behavior/Mirrors/Since
// at or above the spec's line (1-based).
func metadataAbove(lines []string, line int) map[string]string {
	for i := line - 2; i >= 0; i-- {
		if m := metaLine.FindStringSubmatch(lines[i]); m != nil {
			return blockAround(lines, i)
		}
		if i < line-1 && otherLeaf.MatchString(lines[i]) {
			break
		}
	}
	return map[string]string{}
}

// blockAround reads the contiguous comment block containing line i.
func blockAround(lines []string, i int) map[string]string {
	start, end := i, i
	for start > 0 && strings.HasPrefix(strings.TrimSpace(lines[start-1]), "//") {
		start--
	}
	for end+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[end+1]), "//") {
		end++
	}
	meta := map[string]string{}
	for _, l := range lines[start : end+1] {
		if m := metaLine.FindStringSubmatch(l); m != nil {
			meta[m[1]] = strings.TrimSpace(m[2])
		}
	}
	return meta
}
