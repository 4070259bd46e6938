package judge_test

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
)

func TestRowsCarryTheSpecID(t *testing.T) {
	scoped := judgetest.Spec("fails with ESRCH", 2, types.SpecStatePassed, "")
	scoped.ContainerHierarchyLabels = [][]string{{"syscall:pidfd_open"}, {"id-scope:global_reuse"}}
	scoped.LeafNodeLabels = []string{"id:fails_with_esrch"}
	plain := judgetest.Spec("opens a process", 1, types.SpecStatePassed, "")
	plain.LeafNodeLabels = []string{"id:opens_process", "man:pidfd_open.2"}
	setup := types.SpecReport{LeafNodeType: types.NodeTypeBeforeSuite, State: types.SpecStateFailed,
		ContainerHierarchyLabels: [][]string{{"id-scope:x"}}, LeafNodeLabels: []string{"id:not_a_spec"}}
	kr := judgetest.Column(t, "6.12", "", scoped, plain, setup)
	want := map[string]string{
		"pidfd_open(2) fails with ESRCH": "global_reuse_fails_with_esrch",
		"pidfd_open(2) opens a process":  "opens_process",
		"[BeforeSuite]":                  "",
	}
	for _, r := range kr.Rows {
		if id, ok := want[r.Text]; !ok || r.ID != id {
			t.Errorf("row %q has ID %q, want %q", r.Text, r.ID, id)
		}
	}
	if len(kr.Rows) != len(want) {
		t.Errorf("%d rows, want %d", len(kr.Rows), len(want))
	}
}
