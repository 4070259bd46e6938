// Package judgetest builds what the runner's tests judge: Ginkgo spec
// reports as a suite binary writes them, and kernel columns holding them.
package judgetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// Spec is a report of the spec "pidfd_open(2) <text>" of suites/open,
// declared at line, that ended in state with msg, the way Ginkgo's JSON
// reporter writes it.
func Spec(text string, line int, state types.SpecState, msg string) types.SpecReport {
	return types.SpecReport{
		ContainerHierarchyTexts: []string{"pidfd_open(2)"},
		LeafNodeType:            types.NodeTypeIt,
		LeafNodeText:            text,
		LeafNodeLocation:        types.CodeLocation{FileName: "/src/suites/open/pidfd_open_test.go", LineNumber: line},
		State:                   state,
		Failure:                 types.Failure{Message: msg},
		RunTime:                 10 * time.Millisecond,
	}
}

// ReportJSON is suites/open's JSON report holding specs.
func ReportJSON(t *testing.T, specs ...types.SpecReport) []byte {
	t.Helper()
	b, err := json.Marshal([]types.Report{{SuiteDescription: "open", SpecReports: specs}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Column is the column of the apt: kernel name (release name+".0", LSM
// group group) whose suite open reported specs.
func Column(t *testing.T, name, group string, specs ...types.SpecReport) *judge.KernelRun {
	t.Helper()
	kr := judge.NewKernelRun(&kernels.Kernel{Name: name, Spec: kernels.KernelSpec{Raw: "apt:" + name, Kind: kernels.KindApt}, LSMGroup: group})
	kr.Suites = []string{"open"}
	kr.Info = &frame.GuestInfo{Release: name + ".0", Suites: kr.Suites}
	if err := kr.AddReport("open", ReportJSON(t, specs...)); err != nil {
		t.Fatal(err)
	}
	return kr
}
