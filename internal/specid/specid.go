// Package specid is the grammar of a spec's stable ID: the name kernel CI
// systems keep a spec's history under (KTAP "pidfd.<suite>.<id>"), and the
// key a baseline matches a spec by. The ID is written next to the spec, so
// rewording the spec's text keeps its history; it must never be given to a
// different behaviour.
//
// A spec carries its ID as a Ginkgo label "id:<id>". A spec declared in a
// loop gets the loop's part from a container label "id-scope:<part>"; the
// spec's ID is then the scopes, outermost first, and its own part, joined
// by "_".
//
// The grammar keeps an ID a valid Ginkgo label (no &|!,()/), and the
// "key:value" form makes the IDs a Ginkgo label set, so specs can be
// picked by ID: --label-filter='id:opens_it' or
// --label-filter='id: containsAny {opens_it,fails_with_esrch}'.
package specid

import (
	"fmt"
	"regexp"
	"strings"
)

const (
	// Prefix starts the label that holds a spec's own ID part.
	Prefix = "id:"
	// ScopePrefix starts a container's label that prefixes the IDs of the
	// specs inside it.
	ScopePrefix = "id-scope:"
	// MaxLen bounds an ID: "pidfd.<suite>.<id>" stays well within the 100
	// characters LAVA keeps of a test case name.
	MaxLen = 60
)

var wellFormed = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// Check reports why id is not a well-formed ID: lower-case letters, digits
// and single "_" between words, at most MaxLen characters.
func Check(id string) error {
	switch {
	case len(id) > MaxLen:
		return fmt.Errorf("ID %q is %d characters long, at most %d are allowed", id, len(id), MaxLen)
	case !wellFormed.MatchString(id):
		return fmt.Errorf("ID %q is not words of a-z and 0-9 joined by single \"_\"", id)
	}
	return nil
}

// Of is the ID of a spec with these labels (container labels first, as
// Ginkgo's SpecReport.Labels lists them), and how many own ID parts the
// labels hold: a well-formed spec has exactly one. Without one, Of is "".
func Of(labels []string) (id string, own int) {
	var scopes []string
	for _, l := range labels {
		if s, ok := strings.CutPrefix(l, ScopePrefix); ok {
			scopes = append(scopes, s)
		} else if s, ok := strings.CutPrefix(l, Prefix); ok {
			id, own = s, own+1
		}
	}
	if own == 0 {
		return "", 0
	}
	return strings.Join(append(scopes, id), "_"), own
}

// Slug is text as a candidate ID: lower case, every run of characters
// other than a-z and 0-9 one "_", cut at a word boundary to MaxLen.
func Slug(text string) string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	}) {
		if len(strings.Join(append(words, w), "_")) > MaxLen {
			break
		}
		words = append(words, w)
	}
	return strings.Join(words, "_")
}
