package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// ktapPrefix starts every KTAP test name: the suites test pidfds, and kernel
// CI systems keep results of many test programs side by side.
const ktapPrefix = "pidfd"

// ktapRunnerSuite holds the runner rows (boot, LSM-independence), which
// belong to no suite.
const ktapRunnerSuite = "runner"

// ktapNameMax bounds a test name (LAVA keeps at most 100 characters of a
// test case name); longer names end in a hash of the text.
const ktapNameMax = 100

// ktap renders one kernel's column as nested KTAP v1: the document holds one
// test per kernel, the kernel one per suite, the suite one per spec.
//
// Directives: SKIP (and a row that does not apply) is "ok … # SKIP reason";
// XFAIL is "ok … # XFAIL id" as the kernel's selftests print it, so a known
// failure does not fail a CI job; XPASS is "ok … # XPASS id", or "not ok"
// under -strict; FAIL is "not ok"; TIMEOUT and MISS are "not ok … # ERROR".
// A failure's message goes on diagnostic lines before its result line, where
// KTAP parsers attach them to the test.
func KTAP(m *judge.Matrix, kr *judge.KernelRun) string {
	var b strings.Builder
	suites, rows := ktapSuites(m)
	fmt.Fprintf(&b, "KTAP version 1\n# pidfdconf on %s: %s\n1..1\n", kr.Kernel.Name, format.OneLine(kr.Kernel.Describe))
	var kernel strings.Builder
	fmt.Fprintf(&kernel, "KTAP version 1\n# Subtest: %s\n1..%d\n", ktapKernelName(kr), len(suites))
	kernelOK := true
	for i, s := range suites {
		var suite strings.Builder
		fmt.Fprintf(&suite, "KTAP version 1\n# Subtest: %s\n1..%d\n", ktapPrefix+"."+s, len(rows[s]))
		suiteOK := true
		for j, r := range rows[s] {
			ok := writeKTAPCase(&suite, j+1, r.name, m.Cell(kr, r.row), m.Strict)
			suiteOK = suiteOK && ok
		}
		kernel.WriteString(indent(suite.String()))
		fmt.Fprintf(&kernel, "%s %d %s\n", okWord(suiteOK), i+1, ktapPrefix+"."+s)
		kernelOK = kernelOK && suiteOK
	}
	b.WriteString(indent(kernel.String()))
	fmt.Fprintf(&b, "%s 1 %s\n", okWord(kernelOK), ktapKernelName(kr))
	return b.String()
}

// writeKTAPCase writes one spec's result (diagnostics first) and reports
// whether it is "ok".
func writeKTAPCase(b *strings.Builder, n int, name string, c judge.Cell, strict bool) bool {
	ok, directive := true, ""
	switch c.Result {
	case judge.PASS:
	case judge.SKIP, judge.NA:
		directive = "SKIP " + format.OneLine(format.Or(c.Reason, "not applicable"))
	case judge.XFAIL:
		directive = "XFAIL " + c.ID
	case judge.XPASS:
		ok, directive = !strict, "XPASS "+c.ID
	case judge.FAIL:
		ok = false
	default: // TIMEOUT, MISS: no verdict on the behaviour
		ok, directive = false, "ERROR "+string(c.Result)
	}
	if !ok && c.Reason != "" {
		fmt.Fprintf(b, "# %s: %s\n", c.Result, ktapSafe(format.OneLine(c.Reason)))
	}
	fmt.Fprintf(b, "%s %d %s", okWord(ok), n, name)
	if directive = strings.TrimSpace(ktapSafe(directive)); directive != "" {
		fmt.Fprintf(b, " # %s", directive)
	}
	b.WriteString("\n")
	return ok
}

type ktapRow struct {
	row  judge.Row
	name string
}

// ktapSuites groups the matrix rows by suite (runner rows last) and names
// each with its stable KTAP name.
func ktapSuites(m *judge.Matrix) ([]string, map[string][]ktapRow) {
	rows := map[string][]ktapRow{}
	var suites []string
	used := map[string]bool{}
	for _, r := range m.Rows {
		s := format.Or(r.Suite, ktapRunnerSuite)
		if _, ok := rows[s]; !ok {
			suites = append(suites, s)
		}
		name := KTAPName(r)
		for n := 2; used[name]; n++ {
			name = fmt.Sprintf("%s_%d", KTAPName(r), n)
		}
		used[name] = true
		rows[s] = append(rows[s], ktapRow{row: r, name: name})
	}
	// The boot row comes first in the matrix; in KTAP the runner suite
	// goes last so the spec suites keep their numbers when it moves.
	if len(suites) > 0 && suites[0] == ktapRunnerSuite {
		suites = append(suites[1:], ktapRunnerSuite)
	}
	return suites, rows
}

// KTAPName is a row's machine-friendly test name: "pidfd.<suite>.<id>",
// where id is the spec's stable ID (helpers.ID), which outlives rewording
// of the spec's text. A row without one (the runner rows, which use the
// suite "runner", and a suite's setup failure) is named by a slug of its
// text instead: the text in lower case with every run of characters other
// than a-z and 0-9 replaced by one "_" and no "_" at either end. A slug
// name longer than 100 characters is cut to 91 and ends in "_" and the
// first 8 hex digits of the SHA-256 of the full text. Two rows with the
// same name get "_2", "_3", … in matrix order.
func KTAPName(r judge.Row) string {
	prefix := ktapPrefix + "." + format.Or(r.Suite, ktapRunnerSuite) + "."
	if r.ID != "" {
		return prefix + r.ID
	}
	slug := slugify(r.Text)
	if len(prefix)+len(slug) > ktapNameMax {
		sum := sha256.Sum256([]byte(r.Text))
		cut := max(ktapNameMax-9-len(prefix), 1)
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
	return format.Or(b.String(), "unnamed")
}

// ktapKernelName is the kernel's test name: its column name, made safe.
func ktapKernelName(kr *judge.KernelRun) string {
	return ktapPrefix + ".kernel." + kernels.SafeName(kr.Kernel.Name)
}

// ktapSafe keeps "#" in messages from starting a directive.
func ktapSafe(s string) string {
	return strings.ReplaceAll(s, "#", "\\#")
}

func okWord(ok bool) string {
	if ok {
		return "ok"
	}
	return "not ok"
}

// indent nests a KTAP block one level deeper (four spaces per level).
func indent(s string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString("    " + l)
		}
	}
	return b.String()
}
