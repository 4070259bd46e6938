package report

import (
	"encoding/xml"
	"fmt"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       float64         `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string  `xml:"name,attr"`
	Classname string  `xml:"classname,attr"`
	Time      float64 `xml:"time,attr"`
	// Properties of a testcase are the xunit2 form (pytest's, read by test
	// management tools); consumers that only know suite properties skip them.
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitMessage   `xml:"failure,omitempty"`
	Error      *junitMessage   `xml:"error,omitempty"`
	Skipped    *junitMessage   `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit writes one testsuite per kernel. MISS is a JUnit <error> (the
// harness got no verdict), never a <failure>.
func JUnit(m *judge.Matrix, runs []*judge.KernelRun) []byte {
	top := junitSuites{Name: "pidfdconf " + m.RunID}
	for _, kr := range runs {
		s := junitSuite{Name: kr.Kernel.Name, Time: kr.Wall.Seconds(), Properties: []junitProperty{
			{"kernel", kr.Kernel.Describe}, {"spec", kr.Kernel.Spec.Raw}, {"arch", kr.Kernel.Architecture()},
		}}
		if kr.Info != nil {
			s.Properties = append(s.Properties, junitProperty{"release", kr.Info.Release}, junitProperty{"cmdline", kr.Info.Cmdline})
		}
		for _, r := range m.Rows {
			c := m.Cell(kr, r)
			if c.Result == judge.NA {
				continue
			}
			tc := junitCase{Name: r.Text, Classname: format.Or(r.Suite, "pidfdconf"), Time: c.Seconds, Properties: rowProperties(r)}
			msg := &junitMessage{Type: c.Label(), Message: format.Truncate(format.OneLine(c.Reason), 500), Text: c.Reason}
			switch c.Result {
			case judge.FAIL, judge.TIMEOUT:
				tc.Failure = msg
				s.Failures++
			case judge.XPASS:
				if m.Strict {
					tc.Failure = msg
					s.Failures++
				}
			case judge.MISS:
				msg.Text = c.Reason + "\n\nconsole tail:\n" + kr.ConsoleTail
				tc.Error = msg
				s.Errors++
			case judge.SKIP, judge.XFAIL:
				if c.Result == judge.XFAIL {
					msg.Message = fmt.Sprintf("XFAIL(%s): %s", c.ID, msg.Message)
				}
				tc.Skipped = msg
				s.Skipped++
			}
			s.Cases = append(s.Cases, tc)
			s.Tests++
		}
		top.Tests += s.Tests
		top.Failures += s.Failures
		top.Errors += s.Errors
		top.Skipped += s.Skipped
		top.Suites = append(top.Suites, s)
	}
	b, _ := xml.MarshalIndent(top, "", "  ")
	return append([]byte(xml.Header), append(b, '\n')...)
}

// rowProperties are what the spec is, whatever its verdict: the selftest
// or man page it mirrors, the release that brought the behaviour, and one
// property per Ginkgo label.
func rowProperties(r judge.Row) []junitProperty {
	var ps []junitProperty
	if r.Mirrors != "" {
		ps = append(ps, junitProperty{"mirrors", r.Mirrors})
	}
	if r.Since != "" {
		ps = append(ps, junitProperty{"since", r.Since})
	}
	for _, l := range r.Labels {
		ps = append(ps, junitProperty{"label", l})
	}
	return ps
}
