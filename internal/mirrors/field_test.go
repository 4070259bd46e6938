package mirrors

import (
	"strings"
	"testing"
)

func TestReadFieldJoinsContinuationLines(t *testing.T) {
	lines := strings.Split(`	// Behavior: a behaviour
	//           on two lines.
	// Mirrors:  pidfd_wait.c global.wait_simple (a note
	//           that goes on); LTP pidfd_open01
	//            one column too far: a comment of its own
	// Since:    v5.3
	//           (a continuation of Since)
		//           other indentation: not a continuation
	// Behavior: alone
	//
	//           after an empty comment line: not a continuation
	It("x", func() {})`, "\n")
	cases := []struct {
		line        int
		name, value string
		last        int
	}{
		{0, "Behavior", "a behaviour on two lines.", 1},
		{2, "Mirrors", "pidfd_wait.c global.wait_simple (a note that goes on); LTP pidfd_open01", 3},
		{5, "Since", "v5.3 (a continuation of Since)", 6},
		{8, "Behavior", "alone", 8},
	}
	for _, c := range cases {
		f, ok := ReadField(lines, c.line)
		if !ok || f.Name != c.name || f.Value != c.value || f.First != c.line || f.Last != c.last || f.Indent != "\t" || f.Column != 11 {
			t.Errorf("ReadField(line %d) = %+v, %v; want %s %q ending on line %d", c.line, f, ok, c.name, c.value, c.last)
		}
	}
	for _, n := range []int{1, 4, 7, 9, 11} {
		if f, ok := ReadField(lines, n); ok {
			t.Errorf("line %d read as a field: %+v", n, f)
		}
	}
}
