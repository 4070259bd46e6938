package vm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

func TestKernelReportsAreWritten(t *testing.T) {
	kr := kernelRun(t, "6.1", "", spec("passes", 1, types.SpecStatePassed, ""), spec("skips", 2, types.SpecStateSkipped, "needs root"),
		spec("fails", 3, types.SpecStateFailed, "Expected\nEINVAL"))
	kr.Dir = t.TempDir()
	m := NewMatrix("t", []*KernelRun{kr})
	if err := writeKernelReports(m, kr); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"report.json", "info.json", "junit.xml", "ktap.txt"} {
		if _, err := os.Stat(filepath.Join(kr.Dir, f)); err != nil {
			t.Error(err)
		}
	}
	k, _ := os.ReadFile(filepath.Join(kr.Dir, "ktap.txt"))
	want := "KTAP version 1\n# pidfdconf on 6.1: \n1..4\n" +
		"ok 1 (boot: kernel ran /init and streamed results)\n" +
		"ok 2 open: pidfd_open(2) passes\n" +
		"ok 3 open: pidfd_open(2) skips # SKIP needs root\n" +
		"not ok 4 open: pidfd_open(2) fails\n# FAIL: Expected EINVAL\n"
	if string(k) != want {
		t.Errorf("ktap:\n%s\nwant:\n%s", k, want)
	}
}
