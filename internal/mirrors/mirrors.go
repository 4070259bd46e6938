// Package mirrors reads the "Mirrors:" field of a spec: which kernel
// selftest cases, LTP tests and man pages check the same behaviour.
//
// The field is one of the comment lines above a spec (Behavior, Mirrors,
// Since). A field too long for one line goes on in continuation lines:
// comment lines right below it, with the same indentation, whose text
// starts exactly at the column where the field's value starts. The value
// is the field line's and the continuation lines' text joined by single
// spaces, so wrap only at spaces:
//
//	// Mirrors:  pidfd_info_test.c pidfd_info.sigkill_reaped (v6.15 selftest);
//	//           LTP ioctl_pidfd03 (a child in new user and pid namespaces there)
//
// No metadata line may be wider than 120 columns (tabs to multiples of 8);
// tools/catalogue reads the blocks, rejects wider lines and wraps them
// with `go run ./tools/catalogue -wrap suites`.
package mirrors

import (
	"fmt"
	"regexp"
	"strings"
)

// A spec's Mirrors value names the tests that check the same behaviour, in a
// form a program can cross-check against the selftests' KTAP output and the
// LTP tree:
//
//	mirrors  = "none" [note] | ref { "; " ref }
//	ref      = selftest | ltp | man
//	selftest = PROGRAM ".c " CASE [note]
//	ltp      = "LTP " TEST [note]
//	man      = "man " PAGE "(" SECTION ")" [note]
//	note     = " (" text ")"            free text, parentheses balanced
//
// CASE is the name the selftest prints in its KTAP "ok N <name>" line:
// for kselftest_harness.h programs FIXTURE.TEST (a TEST() without a fixture
// is global.TEST), for the programs without the harness (pidfd_test.c,
// pidfd_open_test.c, pidfd_poll_test.c, pidfd_fdinfo_test.c) the quoted test
// name they print before " test: ". TEST is an LTP test binary such as
// ioctl_pidfd05. Example:
//
//	Mirrors:  pidfd_getfd_test.c child.fetch_fd; LTP pidfd_getfd01 (run unprivileged); man pidfd_getfd(2)
type Ref struct {
	Kind    string `json:"kind"`              // selftest, ltp, man or none
	Program string `json:"program,omitempty"` // selftest file, LTP test or man page
	Case    string `json:"case,omitempty"`    // selftest case, man section
	Note    string `json:"note,omitempty"`
}

var (
	selftestRef = regexp.MustCompile(`^([a-z0-9_]+\.c) (?:([A-Za-z0-9_]+\.[A-Za-z0-9_]+)|"([^"]+)")`)
	ltpRef      = regexp.MustCompile(`^LTP ([a-z_]+[0-9]{2})\b`)
	manRef      = regexp.MustCompile(`^man ([a-z0-9_]+)\(([0-9])\)`)
	noneRef     = regexp.MustCompile(`^none\b`)
)

// Parse parses a Mirrors value (without the "Mirrors:" prefix) by the
// grammar above. Any run of white space, such as the line breaks of a
// wrapped value, counts as one space.
func Parse(line string) ([]Ref, error) {
	line = strings.Join(strings.Fields(line), " ")
	var refs []Ref
	rest := line
	for {
		ref, n, err := parseRef(rest)
		if err != nil {
			return nil, fmt.Errorf("the Mirrors line %q: %v", line, err)
		}
		rest = rest[n:]
		if note, m, ok := parseNote(rest); ok {
			ref.Note, rest = note, rest[m:]
		}
		refs = append(refs, ref)
		if rest == "" {
			break
		}
		if !strings.HasPrefix(rest, "; ") {
			return nil, fmt.Errorf("the Mirrors line %q: want \"; \" or the end before %q", line, rest)
		}
		rest = rest[2:]
	}
	if len(refs) > 1 {
		for _, r := range refs {
			if r.Kind == "none" {
				return nil, fmt.Errorf("the Mirrors line %q: none stands alone", line)
			}
		}
	}
	return refs, nil
}

// parseRef reads one reference at the start of s and returns its length.
func parseRef(s string) (Ref, int, error) {
	if m := selftestRef.FindStringSubmatch(s); m != nil {
		return Ref{Kind: "selftest", Program: m[1], Case: m[2] + m[3]}, len(m[0]), nil
	}
	if m := ltpRef.FindStringSubmatch(s); m != nil {
		return Ref{Kind: "ltp", Program: m[1]}, len(m[0]), nil
	}
	if m := manRef.FindStringSubmatch(s); m != nil {
		return Ref{Kind: "man", Program: m[1], Case: m[2]}, len(m[0]), nil
	}
	if m := noneRef.FindString(s); m != "" {
		return Ref{Kind: "none"}, len(m), nil
	}
	return Ref{}, 0, fmt.Errorf(`want "<program>.c <case>", "LTP <test>", "man <page>(<section>)" or "none" at %q`, s)
}

// parseNote reads " (text)" with balanced parentheses at the start of s.
func parseNote(s string) (string, int, bool) {
	if !strings.HasPrefix(s, " (") {
		return "", 0, false
	}
	depth := 0
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return s[2:i], i + 1, true
			}
		}
	}
	return "", 0, false
}
