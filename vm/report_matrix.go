package vm

import (
	"os"
	"path/filepath"
)

// writeMatrixReports writes matrix.{txt,md,json,html} and junit.xml under
// the run directory.
func writeMatrixReports(m *Matrix, dir string) error {
	files := map[string][]byte{
		"matrix.txt":  []byte(TextReport(m)),
		"matrix.md":   []byte(markdownReport(m)),
		"matrix.html": []byte(htmlReport(m)),
		"junit.xml":   junitXML(m, m.Kernels),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return writeJSON(filepath.Join(dir, "matrix.json"), jsonReport(m))
}
