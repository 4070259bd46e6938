package helpers

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

func spec(text string, labels ...string) types.SpecReport {
	return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: text, LeafNodeLabels: labels}
}

func TestSpecTreeProblems(t *testing.T) {
	good := spec("opens", "syscall:pidfd_open", "man:pidfd_open.2")
	if p := specTreeProblems([]types.SpecReport{good}); len(p) != 0 {
		t.Errorf("a well-labelled spec was rejected: %v", p)
	}
	cases := map[string]types.SpecReport{
		"no API label":        spec("a", "man:pidfd_open.2"),
		"no source label":     spec("b", "syscall:pidfd_open"),
		"is not defined":      spec("c", "syscall:pidfd_open", "man:pidfd_open.2", "syscall:made_up"),
		"duplicate spec text": good,
	}
	for want, s := range cases {
		p := specTreeProblems([]types.SpecReport{good, s})
		if len(p) == 0 || !strings.Contains(strings.Join(p, "\n"), want) {
			t.Errorf("want a problem %q, got %v", want, p)
		}
	}
}
