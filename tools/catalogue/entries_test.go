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
})`

func TestMetadataAbove(t *testing.T) {
	lines := strings.Split(source, "\n")
	line := func(substr string) int {
		for i, l := range lines {
			if strings.Contains(l, substr) {
				return i + 1
			}
		}
		t.Fatalf("no line with %q", substr)
		return 0
	}
	if m := metadataAbove(lines, line(`It("one"`)); m["Behavior"] != "first." || m["Since"] != "v5.3" {
		t.Errorf("one: %v", m)
	}
	if m := metadataAbove(lines, line(`It("two`)); len(m) != 0 {
		t.Errorf("a spec must not borrow the block of the It above it: %v", m)
	}
	for _, e := range []string{`Entry("e1"`, `Entry("e2"`} {
		if m := metadataAbove(lines, line(e)); m["Mirrors"] != "b.c" {
			t.Errorf("%s must take its table's block: %v", e, m)
		}
	}
}
