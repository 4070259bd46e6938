package report

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/pidfdconf/pidfdconf/vm/judge"
)

// WriteMatrix writes matrix.{txt,md,json,html} and junit.xml under
// the run directory.
func WriteMatrix(m *judge.Matrix, dir string) error {
	files := map[string][]byte{
		"matrix.txt":  []byte(Text(m)),
		"matrix.md":   []byte(Markdown(m)),
		"matrix.html": []byte(HTML(m)),
		"junit.xml":   JUnit(m, m.Kernels),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return WriteJSON(filepath.Join(dir, "matrix.json"), JSON(m))
}

// WriteJSON writes v as indented JSON, the form of every .json report.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Write writes every kernel's reports and the matrix reports.
func Write(m *judge.Matrix, dir string) error {
	for _, kr := range m.Kernels {
		if err := writeKernelReports(m, kr); err != nil {
			return err
		}
	}
	return WriteMatrix(m, dir)
}
