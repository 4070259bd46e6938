package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/mirrors"
	"github.com/pidfdconf/pidfdconf/internal/specid"
)

// Entry is one spec in the catalogue.
type Entry struct {
	Suite string `json:"suite"`
	ID    string `json:"id"`
	// FormerIDs are the IDs the spec had before (internal/specid/renamed.txt).
	FormerIDs []string      `json:"former_ids,omitempty"`
	KTAP      string        `json:"ktap"` // the spec's test name in ktap.txt
	Spec      string        `json:"spec"`
	Behavior  string        `json:"behavior"`
	Mirrors   string        `json:"mirrors"`
	Refs      []mirrors.Ref `json:"mirrors_refs"`
	Since     string        `json:"since"`
	// ReliedOnBy names the software that depends on the behaviour (relied.go).
	ReliedOnBy []string `json:"relied_on_by,omitempty"`
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Labels     []string `json:"labels"`
}

func buildEntries(root string, reports []types.Report) ([]Entry, error) {
	var entries []Entry
	problems := map[string]bool{} // a table's block is read once per entry
	sources := map[string][]string{}
	source := func(file string) ([]string, error) {
		lines, ok := sources[file]
		if !ok {
			var err error
			if lines, err = readLines(file); err != nil {
				return nil, err
			}
			sources[file] = lines
		}
		return lines, nil
	}
	syscalls := syscallLabels(reports)
	ids := newIDChecker()
	for _, r := range reports {
		suite := shortSuite(r.SuiteDescription)
		for _, s := range r.SpecReports {
			if s.LeafNodeType != types.NodeTypeIt {
				continue
			}
			loc := s.LeafNodeLocation
			lines, err := source(loc.FileName)
			if err != nil {
				return nil, err
			}
			rel, _ := filepath.Rel(root, loc.FileName)
			where := fmt.Sprintf("%s:%d", rel, loc.LineNumber)
			id := ids.check(suite, where+" "+s.FullText(), s)
			b := metadataAbove(lines, loc.LineNumber)
			if block := blockProblems(b, where+" "+s.FullText(), rel, lines, specText(s, b), syscalls); len(block) > 0 {
				for _, p := range block {
					problems[p] = true
				}
				continue
			}
			refs, _ := mirrors.Parse(b.values["Mirrors"])
			users, _ := parseReliedOnBy(b.values[reliedOnBy])
			entries = append(entries, Entry{
				Suite: r.SuiteDescription, ID: id, FormerIDs: specid.FormerIDs(suite, id), KTAP: ktapName(r.SuiteDescription, id),
				Spec: s.FullText(), File: rel, Line: loc.LineNumber, Labels: s.Labels(),
				Behavior: b.values["Behavior"], Mirrors: b.values["Mirrors"], Refs: refs, Since: b.values["Since"], ReliedOnBy: users,
			})
		}
	}
	ids.checkRenames(specid.Renames())
	if len(problems) > 0 {
		return nil, fmt.Errorf("spec comment blocks (Behavior/Mirrors/Since) are missing or malformed:\n  %s", strings.Join(sortedKeys(problems), "\n  "))
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

// blockProblems lints a spec's comment block: every field present, no line
// wider than MaxColumns, the lines' wording (lint.go), the Mirrors grammar,
// and a Behavior line that says every name of the text it covers. Each
// problem starts with the file:line to fix: the spec's (spec) where the
// block lacks a field, else the field's in file.
func blockProblems(b metaBlock, spec, file string, lines []string, text string, syscalls map[string]bool) []string {
	var missing []string
	for _, f := range fieldNames {
		if b.values[f] == "" {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return []string{fmt.Sprintf("%s: no %s line; write the comment block above its It (or its table):\n"+
			"\t// Behavior: <the behaviour as one sentence, naming its API, errnos and flags>\n"+
			"\t// Mirrors:  <program>.c <case> | LTP <test> | man <page>(<section>) | none (<why>)\n"+
			"\t// Since:    v<version>", spec, strings.Join(missing, ", "))}
	}
	problems := b.widthProblems(file, lines)
	at := func(f string) string { return fmt.Sprintf("%s:%d", file, b.span[f][0]+1) }
	for _, f := range append(fieldNames, reliedOnBy) {
		if err := lintLine(f, b.values[f]); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", at(f), err))
		}
	}
	if _, err := mirrors.Parse(b.values["Mirrors"]); err != nil {
		problems = append(problems, fmt.Sprintf("%s: %v; write it by the grammar in internal/mirrors", at("Mirrors"), err))
	}
	if _, err := parseReliedOnBy(b.values[reliedOnBy]); err != nil {
		problems = append(problems, fmt.Sprintf("%s: %v", at(reliedOnBy), err))
	}
	if lost := behaviorDrift(b.values["Behavior"], text, syscalls); len(lost) > 0 {
		problems = append(problems, fmt.Sprintf("%s: the Behavior line does not say %s, which its spec's text says (%q); name them in it (or fix the text)",
			at("Behavior"), strings.Join(lost, ", "), text))
	}
	return problems
}

// specText is the part of the spec's text its block speaks for: its
// Contexts (the outermost Describe names the API for many blocks at once)
// and its table, and its own It or Entry text unless the block sits above
// the whole table.
func specText(s types.SpecReport, b metaBlock) string {
	texts := s.ContainerHierarchyTexts
	if len(texts) > 0 {
		texts = texts[1:]
	}
	if !b.aboveTable {
		texts = append(append([]string{}, texts...), s.LeafNodeText)
	}
	return strings.Join(texts, " ")
}

// syscallLabels are the syscalls the specs' syscall: labels name: a bare
// word of a spec's text that is one of them names that syscall.
func syscallLabels(reports []types.Report) map[string]bool {
	out := map[string]bool{}
	for _, r := range reports {
		for _, s := range r.SpecReports {
			for _, l := range s.Labels() {
				if name, ok := strings.CutPrefix(l, "syscall:"); ok {
					out[name] = true
				}
			}
		}
	}
	return out
}

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
