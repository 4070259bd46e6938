package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
)

func TestKernelReportsAreWritten(t *testing.T) {
	kr := judgetest.Column(t, "6.1", "", judgetest.Spec("passes", 1, types.SpecStatePassed, ""), judgetest.Spec("skips", 2, types.SpecStateSkipped, "needs root"),
		judgetest.Spec("fails", 3, types.SpecStateFailed, "Expected\nEINVAL"))
	kr.Dir = t.TempDir()
	m := judge.NewMatrix("t", []*judge.KernelRun{kr})
	if err := writeKernelReports(m, kr); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"report.json", "info.json", "junit.xml", "ktap.txt"} {
		if _, err := os.Stat(filepath.Join(kr.Dir, f)); err != nil {
			t.Error(err)
		}
	}
	k, _ := os.ReadFile(filepath.Join(kr.Dir, "ktap.txt"))
	want := "KTAP version 1\n# pidfdconf on 6.1: \n1..1\n" +
		"    KTAP version 1\n    # Subtest: pidfd.kernel.6.1\n    1..2\n" +
		"        KTAP version 1\n        # Subtest: pidfd.open\n        1..3\n" +
		"        ok 1 pidfd.open.pidfd_open_2_passes\n" +
		"        ok 2 pidfd.open.pidfd_open_2_skips # SKIP needs root\n" +
		"        # FAIL: Expected EINVAL\n" +
		"        not ok 3 pidfd.open.pidfd_open_2_fails\n" +
		"    not ok 1 pidfd.open\n" +
		"        KTAP version 1\n        # Subtest: pidfd.runner\n        1..1\n" +
		"        ok 1 pidfd.runner.boot_kernel_ran_init_and_streamed_results\n" +
		"    ok 2 pidfd.runner\n" +
		"not ok 1 pidfd.kernel.6.1\n"
	if string(k) != want {
		t.Errorf("ktap:\n%s\nwant:\n%s", k, want)
	}
}
