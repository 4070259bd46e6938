package selftests

import (
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/mirrors"
)

// CaseID is the canonical name of a selftest case, "<program>.c <name>":
//
//   - kselftest_harness.h cases are named as the harness prints them:
//     "fixture.test" for TEST_F(fixture, test), "fixture.variant.test" for a
//     FIXTURE_VARIANT, and "global.test" for a plain TEST(test). Example:
//     "pidfd_getfd_test.c child.no_strange_EBADF".
//   - plain kselftest.h programs print free text, by convention
//     "<case> test: <detail>"; the name is the text before the first ':',
//     without a trailing " test". Example: pidfd_test's
//     "ok 1 pidfd_send_signal check for support test: Sent signal" is
//     "pidfd_test.c pidfd_send_signal check for support".
func CaseID(program, name string) string {
	return strings.TrimSuffix(program, ".c") + ".c " + name
}

// caseName applies the free-text rule of CaseID; harness names contain
// neither ':' nor spaces and come through unchanged.
func caseName(desc string) string {
	if i := strings.IndexByte(desc, ':'); i >= 0 {
		desc = desc[:i]
	}
	return strings.TrimSuffix(strings.TrimSpace(desc), " test")
}

// ParseMirrors reads the selftest cases a spec's "Mirrors:" line cites,
// as CaseIDs, by the grammar of internal/mirrors; LTP, man and "none"
// entries cite no selftest case. A malformed line cites nothing (the
// catalogue rejects it).
func ParseMirrors(line string) []string {
	refs, err := mirrors.Parse(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "Mirrors:")))
	if err != nil {
		return nil
	}
	var ids []string
	for _, r := range refs {
		if r.Kind == "selftest" {
			ids = append(ids, CaseID(r.Program, r.Case))
		}
	}
	return ids
}

// Cites reports whether a cited CaseID names a selftest case: equal, or the
// cited "fixture.test" names every variant's "fixture.variant.test".
func Cites(cited, actual string) bool {
	if cited == actual {
		return true
	}
	cf, cn, ok1 := strings.Cut(cited, " ")
	af, an, ok2 := strings.Cut(actual, " ")
	if !ok1 || !ok2 || cf != af {
		return false
	}
	fixture, test, ok := strings.Cut(cn, ".")
	if !ok || strings.Contains(test, ".") || strings.Contains(cn, " ") {
		return false
	}
	parts := strings.Split(an, ".")
	return len(parts) == 3 && parts[0] == fixture && parts[2] == test
}
