package vm

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
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
