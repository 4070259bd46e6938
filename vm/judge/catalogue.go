package judge

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/mirrors"
)

// CatalogueFile is the generated spec catalogue: every spec of the suites
// with its Mirrors (the selftest cases it mirrors) and Since (the release
// that brought the behaviour). It is what a column is expected to report:
// a spec it lists that a suite did not report is MISS, never absent.
const CatalogueFile = "conformance/catalogue.json"

// catalogueEntry is what the runner reads of one spec of the catalogue.
type catalogueEntry struct {
	Suite, ID, Spec, Mirrors, Since, File string
	Line                                  int
	Labels                                []string
	Refs                                  []mirrors.Ref `json:"mirrors_refs"`
}

// key is the entry's row key, "<area>: <spec text>".
func (e catalogueEntry) key() string { return e.area() + ": " + e.Spec }

// area is the entry's suite as the runner names it ("open").
func (e catalogueEntry) area() string { return strings.TrimPrefix(e.Suite, "pidfd ") }

// Catalogue is the spec catalogue of a checkout.
type Catalogue []catalogueEntry

// LoadCatalogue reads root's catalogue.
func LoadCatalogue(root string) (Catalogue, error) {
	data, err := os.ReadFile(filepath.Join(root, CatalogueFile))
	if err != nil {
		return nil, fmt.Errorf("no spec catalogue (run `make catalogue`): %w", err)
	}
	var entries Catalogue
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("%s: %w", CatalogueFile, err)
	}
	return entries, nil
}

// Rows are the rows of the specs the catalogue lists for these suites that
// f names: what every column running them must report.
func (c Catalogue) Rows(suites []string, f Filter) []Row {
	var rows []Row
	for _, e := range c {
		r := Row{Suite: e.area(), Text: e.Spec, ID: e.ID, Labels: e.Labels, File: filepath.Base(e.File), Line: e.Line}
		if slices.Contains(suites, r.Suite) && f.Match(r) {
			rows = append(rows, r)
		}
	}
	return rows
}

// Annotate copies each spec's Mirrors and Since onto its row, for the
// reports that carry them (junit.xml, matrix.json).
func (c Catalogue) Annotate(m *Matrix) {
	byKey := map[string]catalogueEntry{}
	for _, e := range c {
		byKey[e.key()] = e
	}
	for i, r := range m.Rows {
		if e, ok := byKey[r.Key()]; ok {
			m.Rows[i].Mirrors, m.Rows[i].Since = e.Mirrors, e.Since
		}
	}
}
