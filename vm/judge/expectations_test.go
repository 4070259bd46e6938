package judge_test

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
)

func TestExpectations(t *testing.T) {
	exps, err := judge.ParseExpectations("# comment\n6.1.* | open: pidfd_open(2) fails* | BUG-1\n* | open: * passes | BUG-2\n")
	if err != nil || len(exps) != 2 {
		t.Fatalf("%v %v", exps, err)
	}
	if _, err := judge.ParseExpectations("just one field"); err == nil {
		t.Fatal("malformed line accepted")
	}
	kr := judgetest.Column(t, "6.1.0-56", "", judgetest.Spec("passes", 1, types.SpecStatePassed, ""), judgetest.Spec("fails", 2, types.SpecStateFailed, "x"))
	other := judgetest.Column(t, "6.12", "", judgetest.Spec("passes", 1, types.SpecStatePassed, ""), judgetest.Spec("fails", 2, types.SpecStateFailed, "x"))
	judge.ApplyExpectations(kr, exps)
	judge.ApplyExpectations(other, exps)
	if c := kr.Cells["open: pidfd_open(2) fails"]; c.Result != judge.XFAIL || c.ID != "BUG-1" {
		t.Errorf("expected failure: %+v", c)
	}
	if c := other.Cells["open: pidfd_open(2) fails"]; c.Result != judge.FAIL {
		t.Errorf("expectation leaked to another kernel: %+v", c)
	}
	if c := kr.Cells["open: pidfd_open(2) passes"]; c.Result != judge.XPASS || c.ID != "BUG-2" {
		t.Errorf("stale expectation: %+v", c)
	}
	m := judge.NewMatrix("t", []*judge.KernelRun{kr})
	if m.ExitCode() != judge.ExitOK {
		t.Errorf("XFAIL/XPASS not strict: exit %d", m.ExitCode())
	}
	m.Strict = true
	if m.ExitCode() != judge.ExitFail {
		t.Errorf("XPASS strict: exit %d", m.ExitCode())
	}
	if _, err := judge.DefaultExpectations(); err != nil {
		t.Errorf("vm/judge/expectations.txt: %v", err)
	}
}

func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"6.1.*", "6.1.192", true},
		{"6.1.*", "6.12.117", false},
		{"*", "anything", true},
		{"open: pidfd_open(2) [x] *", "open: pidfd_open(2) [x] fails", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXcYb", false},
		{"exact", "exact", true},
	} {
		if got := judge.Glob(c.p, c.s); got != c.want {
			t.Errorf("Glob(%q, %q) = %v", c.p, c.s, got)
		}
	}
}
