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
// picked by ID: --label-filter='id:opens_a_zombie' or
// --label-filter='id: containsAny {opens_a_zombie,reaped_process_fails_with_esrch}'.
//
// # What an ID must say
//
// Kernel CI shows an ID without its spec's Describe and Context, so the
// catalogue (tools/catalogue, `make conformance-check`) holds every ID to
// these rules, all mechanical:
//
//  1. Form (Check): words of a-z and 0-9 joined by single "_", at most
//     MaxLen characters.
//  2. Meaningful alone (Alone): no pronoun (it, its, they, them, their,
//     theirs, this, these, those), because its antecedent is in the
//     Describe or Context ("opens_it"); a reflexive such as "itself"
//     refers inside the ID and is allowed. And not only outcome words: at
//     least one word must name a subject or condition, that is, be none
//     of the result verbs (fails, succeeds, returns, reports, refuses,
//     rejects, accepts, allows, denies, gives, gets, works, passes,
//     answers and their forms), function words (a, the, with, for, of,
//     when, once, not, no, only, ...), result nouns (error, errno, event,
//     value, nothing, ...), errno names, poll and epoll event bits,
//     waitid's CLD_* and siginfo's SI_* codes, or numbers.
//     "fails_with_esrch" and "reports_cld_killed" are rejected;
//     "reaped_process_fails_with_esrch" and "waitid_reports_cld_killed"
//     pass.
//  3. One behaviour everywhere: no two specs share an ID, in one suite or
//     across suites, so "id:<id>" selects one spec in `ginkgo -r suites`
//     and an ID never names the same outcome of two different APIs.
//  4. Said by its text (Drift): every word of the ID except a, an and the
//     occurs in the spec's full text (Describe, Contexts, table and It or
//     Entry text, as Ginkgo's FullText joins them), the text split into
//     words as Words does (lower case, "-1" read as "minus 1"). Words
//     compare up to one inflection (-s, -es, -d, -ed, -ing, -e: "reuse"
//     matches "reused"); the fail verbs fails, refuses and rejects stand
//     for each other (the errno says which failure); and these
//     abbreviations stand for all their words: pidns (pid namespace),
//     userns (user namespace). An ID with a word its text lacks has
//     drifted to another behaviour, or uses a synonym the next reader
//     must guess.
//  5. Renames are recorded: an ID that changes gets a line in renamed.txt
//     (FormerIDs), a former ID never names a spec again, and every line
//     leads to a spec. The catalogue finds an unrecorded rename by the
//     spec's unchanged text in the checked-in catalogue.
//
// The rules are a floor: an ID that passes them can still say too little
// ("leaves_the_process_unsignalled" passed, but whose?); name the subject
// or condition that tells the spec from its neighbours.
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
