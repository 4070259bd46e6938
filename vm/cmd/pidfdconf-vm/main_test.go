package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/gate"
	"github.com/pidfdconf/pidfdconf/vm/judge"
)

// matrixJSON writes a one-kernel matrix.json whose single spec has result.
func matrixJSON(t *testing.T, result judge.Verdict) string {
	t.Helper()
	dir := t.TempDir()
	body := `{"run": "r", "kernels": [{"name": "6.12"}], "rows": [
	  {"suite": "", "text": "` + judge.BootRow.Text + `", "cells": {"6.12": {"result": "PASS"}}},
	  {"suite": "open", "text": "rejects flag bit 3", "cells": {"6.12": {"result": "` + string(result) + `"}}}]}`
	path := filepath.Join(dir, "matrix.json")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCompareExitCodes(t *testing.T) {
	old := matrixJSON(t, judge.PASS)
	if code := run([]string{"compare", old, matrixJSON(t, judge.PASS)}); code != judge.ExitOK {
		t.Errorf("identical runs: exit %d, want %d", code, judge.ExitOK)
	}
	broken := matrixJSON(t, judge.FAIL)
	if code := run([]string{"compare", old, broken}); code != judge.ExitFail {
		t.Errorf("PASS → FAIL: exit %d, want %d", code, judge.ExitFail)
	}
	txt, err := os.ReadFile(filepath.Join(filepath.Dir(broken), "regressions.txt"))
	if err != nil || !strings.Contains(string(txt), "open: rejects flag bit 3: PASS → FAIL") {
		t.Errorf("regressions.txt: %v\n%s", err, txt)
	}
	// A FAIL the baseline shares is not a regression.
	if code := run([]string{"compare", broken, matrixJSON(t, judge.FAIL)}); code != judge.ExitOK {
		t.Errorf("FAIL → FAIL: exit %d, want %d", code, judge.ExitOK)
	}
	if code := run([]string{"compare", old}); code != judge.ExitSetup {
		t.Errorf("one file: exit %d, want %d", code, judge.ExitSetup)
	}
}

// Every bisect-run problem that is not a verdict on the kernel stops the
// bisection (128): never 0, which git bisect would take for good.
func TestBisectRunHarnessProblemsAbort(t *testing.T) {
	for _, args := range [][]string{
		{"bisect-run"},
		{"bisect-run", "-kernel", "file:/x"},
		{"bisect-run", "-focus", "open: *"},
		{"bisect-run", "-kernel", "nonsense:x", "-focus", "open: *"},
		{"bisect-run", "-kernel", "tree:" + t.TempDir(), "-focus", "open: *", "-root", t.TempDir()},
	} {
		if code := run(args); code != gate.BisectAbort {
			t.Errorf("%v: exit %d, want %d", args, code, gate.BisectAbort)
		}
	}
}
