package report

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	junit "github.com/joshdk/go-junit"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
)

// junitStatus is how each of our results must read to a JUnit consumer.
var junitStatus = map[judge.Verdict]junit.Status{
	judge.PASS: junit.StatusPassed, judge.XPASS: junit.StatusPassed,
	judge.FAIL: junit.StatusFailed, judge.TIMEOUT: junit.StatusFailed,
	judge.SKIP: junit.StatusSkipped, judge.XFAIL: junit.StatusSkipped,
	judge.MISS: junit.StatusError,
}

// junitMatrix is two kernels and two suites with every result a JUnit
// consumer must tell apart, and a catalogue for the open suite's specs.
func junitMatrix(t *testing.T) *judge.Matrix {
	t.Helper()
	labelled := judgetest.Spec("passes", 1, types.SpecStatePassed, "")
	labelled.LeafNodeLabels = []string{"syscall:pidfd_open", "flag:none"}
	open := []types.SpecReport{labelled,
		judgetest.Spec("fails", 2, types.SpecStateFailed, "Expected EINVAL"),
		judgetest.Spec("skips", 3, types.SpecStateSkipped, "requires PIDFD_THREAD"),
		judgetest.Spec("times out", 4, types.SpecStateTimedout, "A spec timeout occurred"),
		judgetest.Spec("is known broken", 5, types.SpecStateFailed, "Expected ESRCH")}
	poll := []types.SpecReport{judgetest.Spec("polls", 6, types.SpecStatePassed, ""), judgetest.Spec("hangs up", 7, types.SpecStateFailed, "no POLLHUP")}
	var runs []*judge.KernelRun
	for _, name := range []string{"6.1", "7.3"} {
		kr := judgetest.Column(t, name, "", open...)
		if err := kr.AddReport("poll", judgetest.ReportJSON(t, poll...)); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, kr)
	}
	runs[1].SuiteMiss["poll"] = "no report from suite poll"
	exps, _ := judge.ParseExpectations("6.1 | open: * known broken | BUG-1\n")
	judge.ApplyExpectations(runs[0], exps)
	m := judge.NewMatrix("junit", runs)
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "conformance"), 0o755)
	catalogue := `[{"suite": "pidfd open", "spec": "pidfd_open(2) passes", "mirrors": "pidfd_open_test.c \"pidfd_open works\"", "since": "v5.3"}]`
	if err := os.WriteFile(filepath.Join(root, judge.CatalogueFile), []byte(catalogue), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := judge.LoadCatalogue(root)
	if err != nil {
		t.Fatal(err)
	}
	cat.Annotate(m)
	return m
}

// TestJUnitReadsBackWithAJUnitConsumer parses junit.xml with go-junit (a
// library that ingests JUnit for CI dashboards) and checks that it counts
// what we count, per kernel and per suite.
func TestJUnitReadsBackWithAJUnitConsumer(t *testing.T) {
	m := junitMatrix(t)
	suites, err := junit.Ingest(JUnit(m, m.Kernels))
	if err != nil {
		t.Fatal(err)
	}
	if len(suites) != len(m.Kernels) {
		t.Fatalf("%d testsuites, want one per kernel (%d)", len(suites), len(m.Kernels))
	}
	for i, kr := range m.Kernels {
		s := suites[i]
		if s.Name != kr.Kernel.Name || s.Properties["kernel"] != kr.Kernel.Describe {
			t.Errorf("testsuite %q properties %v, want kernel %s", s.Name, s.Properties, kr.Kernel.Name)
		}
		want, got := map[string]map[junit.Status]int{}, map[string]map[junit.Status]int{}
		for _, r := range m.Rows {
			suite := format.Or(r.Suite, "pidfdconf")
			if want[suite] == nil {
				want[suite] = map[junit.Status]int{}
			}
			want[suite][junitStatus[m.Cell(kr, r).Result]]++
		}
		for _, tc := range s.Tests {
			if got[tc.Classname] == nil {
				got[tc.Classname] = map[junit.Status]int{}
			}
			got[tc.Classname][tc.Status]++
		}
		for suite := range want {
			for _, st := range []junit.Status{junit.StatusPassed, junit.StatusFailed, junit.StatusSkipped, junit.StatusError} {
				if got[suite][st] != want[suite][st] {
					t.Errorf("%s/%s: %d %s, we counted %d", kr.Kernel.Name, suite, got[suite][st], st, want[suite][st])
				}
			}
		}
		c := m.Counts(kr)
		tot := s.Totals
		if tot.Tests != len(m.Rows) || tot.Failed != c[judge.FAIL]+c[judge.TIMEOUT] || tot.Error != c[judge.MISS] || tot.Skipped != c[judge.SKIP]+c[judge.XFAIL] || tot.Passed != c[judge.PASS]+c[judge.XPASS] {
			t.Errorf("%s totals %+v, our counts %v", kr.Kernel.Name, tot, c)
		}
	}
}

// TestJUnitCarriesMirrorsSinceAndLabels decodes the testcase properties
// (go-junit reads only testsuite properties) structurally.
func TestJUnitCarriesMirrorsSinceAndLabels(t *testing.T) {
	m := junitMatrix(t)
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name  string `xml:"name,attr"`
				Props []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value,attr"`
				} `xml:"properties>property"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(JUnit(m, m.Kernels), &doc); err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"mirrors", `pidfd_open_test.c "pidfd_open works"`}, {"since", "v5.3"}, {"label", "syscall:pidfd_open"}, {"label", "flag:none"}}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			var got [][2]string
			for _, p := range c.Props {
				got = append(got, [2]string{p.Name, p.Value})
			}
			switch c.Name {
			case "pidfd_open(2) passes":
				if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
					t.Errorf("%s/%s: properties %v, want %v", s.Name, c.Name, got, want)
				}
			case "pidfd_open(2) fails":
				if len(got) != 0 {
					t.Errorf("%s/%s: properties %v for a spec with no catalogue entry or label", s.Name, c.Name, got)
				}
			}
		}
	}
}
