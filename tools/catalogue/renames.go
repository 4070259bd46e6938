package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/specid"
)

// unrecordedRenames compares the specs with the catalogue checked in at
// path: a spec whose text is unchanged but whose ID differs was renamed,
// and without a line in the rename table a baseline would take it for a
// new spec and kernel CI would lose its history.
func unrecordedRenames(path string, entries []Entry) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // a first catalogue
	}
	if err != nil {
		return err
	}
	var before []Entry
	if err := json.Unmarshal(data, &before); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	earlier := map[string]string{} // suite + text → ID
	for _, e := range before {
		earlier[e.Suite+"\x00"+e.Spec] = e.ID
	}
	var problems []string
	for _, e := range entries {
		old, ok := earlier[e.Suite+"\x00"+e.Spec]
		if !ok || old == e.ID || slices.Contains(e.FormerIDs, old) {
			continue
		}
		problems = append(problems, fmt.Sprintf("%s:%d: the spec %q was %q in %s and is %q now; add the line %q to %s (an unrecorded rename cuts the spec's history)",
			e.File, e.Line, e.Spec, old, path, e.ID, shortSuite(e.Suite)+" "+old+" "+e.ID, specid.RenamesFile))
	}
	if len(problems) > 0 {
		return fmt.Errorf("spec IDs renamed without a record:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}
