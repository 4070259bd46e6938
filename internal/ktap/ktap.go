// Package ktap writes KTAP v1 (the kernel's Documentation/dev-tools/ktap.rst)
// the one way every pidfdconf report does: the VM runner's ktap.txt
// (vm/report) and the suites run as a kselftest collection (helpers). One
// name rule and one verdict mapping, so a lab's history of
// "pidfd.<suite>.<id>" lines up with the runner's. It imports no Ginkgo and
// nothing of vm/.
package ktap

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// Prefix starts every test name: the suites test pidfds, and kernel CI
// systems keep results of many test programs side by side.
const Prefix = "pidfd"

// Header is the first line of every KTAP document and nested block.
const Header = "KTAP version 1"

// NameMax bounds a test name (LAVA keeps at most 100 characters of a test
// case name); longer names end in a hash of the text.
const NameMax = 100

// Name is a spec's machine-friendly test name: "pidfd.<suite>.<id>", where
// id is the spec's stable ID (helpers.ID), which outlives rewording of the
// spec's text. A row without one is named by a slug of its text instead:
// the text in lower case with every run of characters other than a-z and
// 0-9 replaced by one "_" and no "_" at either end. A slug name longer than
// NameMax characters is cut to 91 and ends in "_" and the first 8 hex
// digits of the SHA-256 of the full text.
func Name(suite, id, text string) string {
	prefix := Prefix + "." + suite + "."
	if id != "" {
		return prefix + id
	}
	slug := slugify(text)
	if len(prefix)+len(slug) > NameMax {
		sum := sha256.Sum256([]byte(text))
		cut := max(NameMax-9-len(prefix), 1)
		slug = strings.TrimRight(slug[:min(cut, len(slug))], "_") + "_" + hex.EncodeToString(sum[:4])
	}
	return prefix + slug
}

func slugify(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			gap = false
			b.WriteRune(r)
			continue
		}
		gap = true
	}
	if b.Len() == 0 {
		return "unnamed"
	}
	return b.String()
}

// Case is one test's result as WriteCase prints it.
type Case struct {
	Result outcome.Verdict
	// Reason: a SKIP's reason (its directive), a failure's message (a
	// diagnostic line before the result line).
	Reason string
	// ID is the expectations entry behind an XFAIL or XPASS.
	ID string
}

// WriteCase writes test n's result line, its diagnostic first, and
// reports whether the test is "ok".
//
// Directives: SKIP (and a row that does not apply) is "ok … # SKIP reason";
// XFAIL is "ok … # XFAIL id" as the kernel's selftests print it, so a known
// failure does not fail a CI job; XPASS is "ok … # XPASS id", or "not ok"
// when strict; FAIL is "not ok"; TIMEOUT and MISS are "not ok … # ERROR
// TIMEOUT|MISS": no verdict on the behaviour, and "not ok" because a CI job
// must not pass without one (kunit_parser, LKFT's tappy and KernelCI read
// any "not ok" as a failure; the directive tells the two kinds apart). A
// failure's message goes on a diagnostic line before its result line,
// where KTAP parsers attach it to the test.
func WriteCase(w io.Writer, n int, name string, c Case, strict bool) bool {
	ok, directive := true, ""
	switch c.Result {
	case outcome.PASS:
	case outcome.SKIP, outcome.NA:
		reason := c.Reason
		if reason == "" {
			reason = "not applicable"
		}
		directive = "SKIP " + OneLine(reason)
	case outcome.XFAIL:
		directive = "XFAIL " + c.ID
	case outcome.XPASS:
		ok, directive = !strict, "XPASS "+c.ID
	case outcome.FAIL:
		ok = false
	default: // TIMEOUT, MISS: no verdict on the behaviour
		ok, directive = false, "ERROR "+string(c.Result)
	}
	if !ok && c.Reason != "" {
		fmt.Fprintf(w, "# %s: %s\n", c.Result, Safe(OneLine(c.Reason)))
	}
	fmt.Fprintf(w, "%s %d %s", OkWord(ok), n, name)
	if directive = strings.TrimSpace(Safe(directive)); directive != "" {
		fmt.Fprintf(w, " # %s", directive)
	}
	fmt.Fprintln(w)
	return ok
}

// OneLine squeezes a multi-line message (Gomega's) into one line: a KTAP
// line ends at the first newline.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Safe keeps "#" in messages from starting a directive.
func Safe(s string) string { return strings.ReplaceAll(s, "#", "\\#") }

// OkWord is the result word of a test line.
func OkWord(ok bool) string {
	if ok {
		return "ok"
	}
	return "not ok"
}

// Indent nests a KTAP block one level deeper (four spaces per level).
func Indent(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString("    " + l)
		}
	}
	return b.String()
}
