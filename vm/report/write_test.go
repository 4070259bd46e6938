package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
)

func TestReportsAreWritten(t *testing.T) {
	dir := t.TempDir()
	kr := judgetest.Column(t, "6.1", "", judgetest.Spec("passes", 1, types.SpecStatePassed, ""), judgetest.Spec("skips <html>", 2, types.SpecStateSkipped, "needs root"))
	kr.Dir = filepath.Join(dir, "6.1")
	os.MkdirAll(kr.Dir, 0o755)
	m := judge.NewMatrix("t", []*judge.KernelRun{kr})
	if err := Write(m, dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"matrix.txt", "matrix.md", "matrix.json", "matrix.html", "junit.xml", "6.1/report.json", "6.1/junit.xml", "6.1/ktap.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, "matrix.html"))
	if !bytes.Contains(html, []byte(`title="needs root"`)) || bytes.Contains(html, []byte("<html>\"")) {
		t.Errorf("html lacks the skip reason or is unescaped")
	}
}
