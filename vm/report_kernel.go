package vm

import (
	"fmt"
	"github.com/onsi/ginkgo/v2/types"
	"os"
	"path/filepath"
	"strings"
)

// writeKernelReports writes <run>/<kernel>/{report.json, junit.xml,
// ktap.txt, info.json}; console.log is already there.
func writeKernelReports(m *Matrix, kr *KernelRun) error {
	reports := kr.Reports
	if reports == nil {
		reports = []types.Report{}
	}
	if err := writeJSON(filepath.Join(kr.Dir, "report.json"), reports); err != nil {
		return err
	}
	if kr.Info != nil {
		if err := writeJSON(filepath.Join(kr.Dir, "info.json"), kr.Info); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(kr.Dir, "junit.xml"), junitXML(m, []*KernelRun{kr}), 0o644); err != nil {
		return err
	}
	if err := writeSelftestReports(kr); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(kr.Dir, "ktap.txt"), []byte(ktap(m, kr)), 0o644)
}

// ktap renders one kernel's column as KTAP: XFAIL and XPASS use the TAP TODO
// directive, MISS is "not ok" with the cause as a diagnostic.
func ktap(m *Matrix, kr *KernelRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "KTAP version 1\n# pidfdconf on %s: %s\n1..%d\n", kr.Kernel.Name, kr.Kernel.Describe, len(m.Rows))
	for i, r := range m.Rows {
		c := m.Cell(kr, r)
		name := strings.ReplaceAll(r.Key(), "#", "\\#")
		switch c.Result {
		case PASS:
			fmt.Fprintf(&b, "ok %d %s\n", i+1, name)
		case SKIP, NA:
			fmt.Fprintf(&b, "ok %d %s # SKIP %s\n", i+1, name, oneLine(orDefault(c.Reason, "not applicable")))
		case XFAIL:
			fmt.Fprintf(&b, "not ok %d %s # TODO XFAIL %s\n", i+1, name, c.ID)
		case XPASS:
			fmt.Fprintf(&b, "ok %d %s # TODO XPASS %s\n", i+1, name, c.ID)
		default:
			fmt.Fprintf(&b, "not ok %d %s\n", i+1, name)
			fmt.Fprintf(&b, "# %s: %s\n", c.Result, oneLine(c.Reason))
		}
	}
	return b.String()
}

// oneLine squeezes a multi-line message (Gomega's) into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
