package judge

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/mirrors"
)

// CatalogueFile is the generated spec catalogue: its Mirrors lines say
// which selftest case each spec mirrors, its Since lines which release
// brought the behaviour.
const CatalogueFile = "conformance/catalogue.json"

// catalogueEntry is what the runner reads of one spec of the catalogue.
type catalogueEntry struct {
	Suite, Spec, Mirrors, Since string
	Refs                        []mirrors.Ref `json:"mirrors_refs"`
}

// key is the entry's row key, "<area>: <spec text>".
func (e catalogueEntry) key() string { return strings.TrimPrefix(e.Suite, "pidfd ") + ": " + e.Spec }

func loadCatalogue(root string) ([]catalogueEntry, error) {
	data, err := os.ReadFile(filepath.Join(root, CatalogueFile))
	if err != nil {
		return nil, fmt.Errorf("no spec catalogue (run `make catalogue`): %w", err)
	}
	var entries []catalogueEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("%s: %w", CatalogueFile, err)
	}
	return entries, nil
}

// AnnotateRows copies each spec's Mirrors and Since from the catalogue onto
// its row, for the reports that carry them (junit.xml, matrix.json).
func AnnotateRows(m *Matrix, root string) error {
	entries, err := loadCatalogue(root)
	if err != nil {
		return err
	}
	byKey := map[string]catalogueEntry{}
	for _, e := range entries {
		byKey[e.key()] = e
	}
	for i, r := range m.Rows {
		if e, ok := byKey[r.Key()]; ok {
			m.Rows[i].Mirrors, m.Rows[i].Since = e.Mirrors, e.Since
		}
	}
	return nil
}
