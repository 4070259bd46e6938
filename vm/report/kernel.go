package report

import (
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/vm/judge"
)

// writeKernelReports writes <run>/<kernel>/{report.json, junit.xml,
// ktap.txt, info.json}; console.log is already there.
func writeKernelReports(m *judge.Matrix, kr *judge.KernelRun) error {
	reports := kr.Reports
	if reports == nil {
		reports = []types.Report{}
	}
	if err := WriteJSON(filepath.Join(kr.Dir, "report.json"), reports); err != nil {
		return err
	}
	if kr.Info != nil {
		if err := WriteJSON(filepath.Join(kr.Dir, "info.json"), kr.Info); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(kr.Dir, "junit.xml"), JUnit(m, []*judge.KernelRun{kr}), 0o644); err != nil {
		return err
	}
	if err := writeSelftestReports(kr); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(kr.Dir, "ktap.txt"), []byte(KTAP(m, kr)), 0o644)
}
