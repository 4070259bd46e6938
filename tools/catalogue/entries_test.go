package main

import (
	"strings"
	"testing"
)

const source = `var _ = Describe("x", func() {
	// Behavior: first.
	// Mirrors:  a.c
	// Since:    v5.3
	It("one", func() {})

	It("two without a block", func() {})

	// Behavior: table.
	// Mirrors:  b.c
	// Since:    v6.9
	DescribeTable("t", func(int) {},
		Entry("e1", 1),
		Entry("e2", 2),
	)

	// A free comment before the block.
	// Behavior: a long
	//           behaviour line.
	// Mirrors:  c.c case.one (a note
	//           that goes on); LTP pidfd_open01
	//            one space too many: not a continuation
	// Since:    v6.1
	// after:    a free comment is no continuation
	It("three", func() {})
})`

func lineOf(t *testing.T, lines []string, substr string) int {
	t.Helper()
	for i, l := range lines {
		if strings.Contains(l, substr) {
			return i + 1
		}
	}
	t.Fatalf("no line with %q", substr)
	return 0
}

func TestMetadataAbove(t *testing.T) {
	lines := strings.Split(source, "\n")
	if b := metadataAbove(lines, lineOf(t, lines, `It("one"`)); b.values["Behavior"] != "first." || b.values["Since"] != "v5.3" || b.aboveTable {
		t.Errorf("one: %+v", b)
	}
	if b := metadataAbove(lines, lineOf(t, lines, `It("two`)); len(b.values) != 0 {
		t.Errorf("a spec must not borrow the block of the It above it: %v", b.values)
	}
	for _, e := range []string{`Entry("e1"`, `Entry("e2"`} {
		if b := metadataAbove(lines, lineOf(t, lines, e)); b.values["Mirrors"] != "b.c" || !b.aboveTable {
			t.Errorf("%s must take its table's block: %+v", e, b)
		}
	}
}

func TestMetadataAboveJoinsContinuationLines(t *testing.T) {
	lines := strings.Split(source, "\n")
	b := metadataAbove(lines, lineOf(t, lines, `It("three"`))
	want := map[string]string{
		"Behavior": "a long behaviour line.",
		"Mirrors":  "c.c case.one (a note that goes on); LTP pidfd_open01",
		"Since":    "v6.1",
	}
	for f, v := range want {
		if b.values[f] != v {
			t.Errorf("%s = %q, want %q", f, b.values[f], v)
		}
	}
	if sp := b.span["Mirrors"]; lines[sp[0]] != "\t// Mirrors:  c.c case.one (a note" || sp[1] != sp[0]+1 {
		t.Errorf("Mirrors spans lines %d-%d", sp[0]+1, sp[1]+1)
	}
}

func TestBlockProblemsNameTheLineAndTheFix(t *testing.T) {
	lines := strings.Split(`	// Behavior: pidfd_open(2) fails (see issue 12).
	// Mirrors:  pidfd_open_test.c TEST(x)
	// Since:    v5.3
	It("fails with ESRCH", func() {})

	// Behavior: pidfd_open(2) fails.
	It("two", func() {})`, "\n")
	b := metadataAbove(lines, 4)
	got := strings.Join(blockProblems(b, "x_test.go:4 spec", "x_test.go", lines, "fails with ESRCH", nil), "\n")
	for _, want := range []string{
		"x_test.go:1: Behavior cites an issue number",
		`x_test.go:2: the Mirrors line "pidfd_open_test.c TEST(x)"`,
		"write it by the grammar in internal/mirrors",
		"x_test.go:1: the Behavior line does not say ESRCH, which its spec's text says",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	got = strings.Join(blockProblems(metadataAbove(lines, 7), "x_test.go:7 two", "x_test.go", lines, "two", nil), "\n")
	if !strings.HasPrefix(got, "x_test.go:7 two: no Mirrors, Since line; write the comment block above its It") {
		t.Errorf("a block without Mirrors and Since: %s", got)
	}
}
