package gate

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

func TestBisectVerdict(t *testing.T) {
	pass := judgetest.Spec("passes", 1, types.SpecStatePassed, "")
	fail := judgetest.Spec("fails", 2, types.SpecStateFailed, "Expected EINVAL")
	skip := judgetest.Spec("skips", 3, types.SpecStateSkipped, "requires PIDFD_THREAD")
	for _, c := range []struct {
		name  string
		kr    *judge.KernelRun
		focus string
		want  int
	}{
		{"good", judgetest.Column(t, "k", "", pass, fail), "open: pidfd_open(2) passes", BisectGood},
		{"bad", judgetest.Column(t, "k", "", pass, fail), "open: pidfd_open(2) *", BisectBad},
		{"only skips", judgetest.Column(t, "k", "", skip, fail), "open: * skips", BisectSkip},
		{"skip beside a pass", judgetest.Column(t, "k", "", skip, pass), "open: *", BisectGood},
		{"no such spec", judgetest.Column(t, "k", "", pass), "open: nothing like it", BisectAbort},
		{"did not boot", func() *judge.KernelRun { kr := judgetest.Column(t, "k", "", fail); kr.Miss = "kernel died"; return kr }(), "open: *", BisectSkip},
		{"suite MISS", func() *judge.KernelRun {
			kr := judgetest.Column(t, "k", "", pass)
			kr.SuiteMiss["open"] = "no report"
			return kr
		}(), "open: *", BisectSkip},
	} {
		code, why := BisectVerdict(judge.NewMatrix("t", []*judge.KernelRun{c.kr}), judge.Filter{c.focus})
		if code != c.want {
			t.Errorf("%s: exit %d (%s), want %d", c.name, code, why, c.want)
		}
	}
	if code := BisectErrorCode(&kernels.BuildError{Err: &setup.Error{Msg: "make failed"}}); code != BisectSkip {
		t.Errorf("a kernel that did not build: exit %d, want %d", code, BisectSkip)
	}
	if code := BisectErrorCode(setup.Errorf("qemu missing")); code != BisectAbort {
		t.Errorf("a harness problem: exit %d, want %d (never good)", code, BisectAbort)
	}
	if !setup.IsError(&kernels.BuildError{Err: &setup.Error{Msg: "x"}}) {
		t.Error("a kernel build error must stay a setup error for the matrix (exit 3)")
	}
}
