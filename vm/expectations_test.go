package vm

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

func TestExpectations(t *testing.T) {
	exps, err := ParseExpectations("# comment\n6.1.* | open: pidfd_open(2) fails* | BUG-1\n* | open: * passes | BUG-2\n")
	if err != nil || len(exps) != 2 {
		t.Fatalf("%v %v", exps, err)
	}
	if _, err := ParseExpectations("just one field"); err == nil {
		t.Fatal("malformed line accepted")
	}
	kr := kernelRun(t, "6.1.0-56", "", spec("passes", 1, types.SpecStatePassed, ""), spec("fails", 2, types.SpecStateFailed, "x"))
	other := kernelRun(t, "6.12", "", spec("passes", 1, types.SpecStatePassed, ""), spec("fails", 2, types.SpecStateFailed, "x"))
	ApplyExpectations(kr, exps)
	ApplyExpectations(other, exps)
	if c := kr.Cells["open: pidfd_open(2) fails"]; c.Result != XFAIL || c.ID != "BUG-1" {
		t.Errorf("expected failure: %+v", c)
	}
	if c := other.Cells["open: pidfd_open(2) fails"]; c.Result != FAIL {
		t.Errorf("expectation leaked to another kernel: %+v", c)
	}
	if c := kr.Cells["open: pidfd_open(2) passes"]; c.Result != XPASS || c.ID != "BUG-2" {
		t.Errorf("stale expectation: %+v", c)
	}
	m := NewMatrix("t", []*KernelRun{kr})
	if m.ExitCode() != ExitOK {
		t.Errorf("XFAIL/XPASS not strict: exit %d", m.ExitCode())
	}
	m.Strict = true
	if m.ExitCode() != ExitFail {
		t.Errorf("XPASS strict: exit %d", m.ExitCode())
	}
	if _, err := DefaultExpectations(); err != nil {
		t.Errorf("vm/expectations.txt: %v", err)
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
		if got := globMatch(c.p, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.p, c.s, got)
		}
	}
}
