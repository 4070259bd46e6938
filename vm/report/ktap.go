package report

import (
	"fmt"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/ktap"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// ktapPrefix starts every KTAP test name (internal/ktap, which the suites'
// kselftest programs share).
const ktapPrefix = ktap.Prefix

// ktapRunnerSuite holds the runner rows (boot, LSM-independence), which
// belong to no suite.
const ktapRunnerSuite = "runner"

// ktapNameMax bounds a test name (internal/ktap.NameMax).
const ktapNameMax = ktap.NameMax

// KTAP renders one kernel's column as nested KTAP v1: the document holds one
// test per kernel, the kernel one per suite, the suite one per spec. Each
// spec's line is internal/ktap's (directives documented there), the same
// line a suite prints when it runs as a kselftest program.
func KTAP(m *judge.Matrix, kr *judge.KernelRun) string {
	var b strings.Builder
	suites, rows := ktapSuites(m)
	arch := ""
	if a := kr.Kernel.Architecture(); a != "" {
		arch = " (" + format.OneLine(a) + ")"
	}
	fmt.Fprintf(&b, "%s\n# pidfdconf on %s%s: %s\n1..1\n", ktap.Header, kr.Kernel.Name, arch, format.OneLine(kr.Kernel.Describe))
	var kernel strings.Builder
	fmt.Fprintf(&kernel, "%s\n# Subtest: %s\n1..%d\n", ktap.Header, ktapKernelName(kr), len(suites))
	kernelOK := true
	for i, s := range suites {
		var suite strings.Builder
		fmt.Fprintf(&suite, "%s\n# Subtest: %s\n1..%d\n", ktap.Header, ktapPrefix+"."+s, len(rows[s]))
		suiteOK := true
		for j, r := range rows[s] {
			c := m.Cell(kr, r.row)
			ok := ktap.WriteCase(&suite, j+1, r.name, ktap.Case{Result: outcome.Verdict(c.Result), Reason: c.Reason, ID: c.ID}, m.Strict)
			suiteOK = suiteOK && ok
		}
		kernel.WriteString(ktap.Indent(suite.String()))
		fmt.Fprintf(&kernel, "%s %d %s\n", ktap.OkWord(suiteOK), i+1, ktapPrefix+"."+s)
		kernelOK = kernelOK && suiteOK
	}
	b.WriteString(ktap.Indent(kernel.String()))
	fmt.Fprintf(&b, "%s 1 %s\n", ktap.OkWord(kernelOK), ktapKernelName(kr))
	return b.String()
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

// KTAPName is a row's machine-friendly test name (internal/ktap.Name): the
// runner rows, which have no suite, belong to the suite "runner". Two rows
// with the same name get "_2", "_3", … in matrix order.
func KTAPName(r judge.Row) string {
	return ktap.Name(format.Or(r.Suite, ktapRunnerSuite), r.ID, r.Text)
}

// ktapKernelName is the kernel's test name: its column name, made safe.
func ktapKernelName(kr *judge.KernelRun) string {
	return ktapPrefix + ".kernel." + kernels.SafeName(kr.Kernel.Name)
}
