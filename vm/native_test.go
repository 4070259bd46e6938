package vm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// scriptSuite writes a shell script named <area>.test standing in for a
// suite binary.
func scriptSuite(t *testing.T, dir, area, body string) string {
	t.Helper()
	bin := filepath.Join(dir, area+".test")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

func TestNativeRunMapsReportsAndMissingOnes(t *testing.T) {
	bins := t.TempDir()
	report := filepath.Join(bins, "report.json")
	if err := os.WriteFile(report, reportJSON(t, spec("works", 1, types.SpecStatePassed, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	kr := newKernelRun(&Kernel{Name: "host", Spec: KernelSpec{Kind: KindHost}})
	kr.Dir = t.TempDir()
	runNative(context.Background(), kr, []string{
		// The suites start their helpers from the role binary the run built.
		scriptSuite(t, bins, "open", `test "$PIDFDCONF_ROLE_BINARY" = /built/pidfdconf-role || exit 9; cp `+report+" report.json; echo ran open"),
		scriptSuite(t, bins, "poll", "exit 2"),
	}, "", "/built/pidfdconf-role")

	if c := kr.Cells["open: pidfd_open(2) works"]; c.Result != PASS {
		t.Errorf("open: %+v (cells %v)", c, kr.Cells)
	}
	if why := kr.SuiteMiss["poll"]; why != "no report (suite exited 2)" {
		t.Errorf("poll: %q", why)
	}
	if len(kr.Runs) != 2 || kr.Runs[0].Suite != "open" || kr.Runs[1].Exit != 2 {
		t.Errorf("runs: %+v", kr.Runs)
	}
	if strings.Join(kr.Info.Suites, ",") != "open,poll" || !strings.Contains(kr.ConsoleTail, "ran open") {
		t.Errorf("suites %v, console tail %q", kr.Info.Suites, kr.ConsoleTail)
	}
	if _, err := os.Stat(filepath.Join(kr.Dir, "suites", "open", "report.json")); err != nil {
		t.Errorf("the report belongs in the kernel's suite directory: %v", err)
	}
}
