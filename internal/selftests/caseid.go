package selftests

import (
	"strings"
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

// ParseMirrors reads the selftest cases a spec's "Mirrors:" line cites, as
// CaseIDs. Entries are separated by ';'; a selftest entry starts with its
// file ("pidfd_getfd_test.c") and names cases as TEST_F(fixture, test),
// TEST(test) or a quoted free-text name ("pidfd_send_signal check for
// support"). Parenthesised notes are ignored, and so are entries that cite
// no selftest (LTP, man pages, "none") or only a whole file.
func ParseMirrors(line string) []string {
	line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "Mirrors:"))
	var ids []string
	for _, entry := range strings.Split(line, ";") {
		fields := strings.Fields(entry)
		if len(fields) == 0 || !strings.HasSuffix(fields[0], ".c") {
			continue
		}
		file := fields[0]
		rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(entry), file))
		for _, name := range citedCases(rest) {
			ids = append(ids, CaseID(file, name))
		}
	}
	return ids
}

// citedCases scans TEST_F(f, t), TEST(t) and "quoted" names, skipping
// other parenthesised text.
func citedCases(s string) []string {
	var names []string
	for len(s) > 0 {
		switch {
		case strings.HasPrefix(s, "TEST_F("), strings.HasPrefix(s, "TEST("):
			open := strings.IndexByte(s, '(')
			end := strings.IndexByte(s, ')')
			if end < 0 {
				return names
			}
			args := strings.Split(s[open+1:end], ",")
			if len(args) == 1 {
				names = append(names, "global."+strings.TrimSpace(args[0]))
			} else {
				names = append(names, strings.TrimSpace(args[0])+"."+strings.TrimSpace(args[len(args)-1]))
			}
			s = s[end+1:]
		case s[0] == '"':
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return names
			}
			names = append(names, caseName(s[1:1+end]))
			s = s[end+2:]
		case s[0] == '(':
			s = skipParens(s)
		default:
			s = s[1:]
		}
	}
	return names
}

func skipParens(s string) string {
	depth := 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return s[i+1:]
			}
		}
	}
	return ""
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
