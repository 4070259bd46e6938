package judge_test

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// A spec's verdict reaches the cross-check under its row key, with the
// cases its catalogue Mirrors line cites; runner rows and uncited specs
// stay out, and a MISS says nothing.
func TestMirroringSpecs(t *testing.T) {
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "k"})
	cited := judge.Row{Suite: "getfd", Text: "pidfd_getfd(2) fails with EBADF"}
	uncited := judge.Row{Suite: "getfd", Text: "pidfd_getfd(2) keeps flags"}
	missed := judge.Row{Suite: "open", Text: "pidfd_open(2) works"}
	kr.Set(cited, judge.Cell{Result: judge.FAIL})
	kr.Set(uncited, judge.Cell{Result: judge.PASS})
	kr.Set(missed, judge.Cell{Result: judge.MISS})
	kr.Set(judge.BootRow, judge.Cell{Result: judge.PASS})
	mirrors := map[string][]string{
		cited.Key():  {"pidfd_getfd_test.c child.no_strange_EBADF"},
		missed.Key(): {"pidfd_open_test.c open a new pidfd"},
	}
	specs := judge.MirroringSpecs(kr, mirrors)
	if len(specs) != 1 || specs[0].Text != cited.Key() || specs[0].Verdict != "FAIL" {
		t.Fatalf("mirroringSpecs = %+v, want only the cited FAIL", specs)
	}
}
