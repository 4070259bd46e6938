package main

import (
	"strings"
	"testing"
)

func TestColumnsCountsTabsToMultiplesOfEight(t *testing.T) {
	for line, want := range map[string]int{"": 0, "abc": 3, "\t": 8, "\t\tx": 17, "ab\tc": 9, "é": 1} {
		if got := columns(line); got != want {
			t.Errorf("columns(%q) = %d, want %d", line, got, want)
		}
	}
}

// longBlock is a block whose Mirrors line is far too wide.
var longBlock = []string{
	"\t\t// Behavior: short.",
	"\t\t// Mirrors:  " + strings.Repeat("pidfd_test.c \"some case\" (a note with words); ", 8) + "man pidfd_open(2)",
	"\t\t// Since:    v5.3",
	"\t\tIt(\"x\", func() {})",
}

func TestAWideLineIsNamedWithItsFileLineAndTheWrappedField(t *testing.T) {
	b := metadataAbove(longBlock, 4)
	problems := b.widthProblems("suites/x_test.go", longBlock)
	if len(problems) != 1 {
		t.Fatalf("problems: %q", problems)
	}
	p := problems[0]
	if !strings.HasPrefix(p, "suites/x_test.go:2: the Mirrors line is ") || !strings.Contains(p, "at most 120") {
		t.Errorf("message: %s", p)
	}
	wrapped := b.wrapped("Mirrors")
	if !strings.Contains(p, strings.Join(wrapped, "\n")) {
		t.Errorf("the message lacks the wrapped field:\n%s", p)
	}
	for _, l := range wrapped {
		if columns(l) > MaxColumns {
			t.Errorf("wrapped line %d columns wide: %q", columns(l), l)
		}
	}
	rewrapped := append(append([]string{longBlock[0]}, wrapped...), longBlock[2:]...)
	again := metadataAbove(rewrapped, len(rewrapped))
	if again.values["Mirrors"] != b.values["Mirrors"] {
		t.Errorf("the wrapped field reads back as\n%q\nnot\n%q", again.values["Mirrors"], b.values["Mirrors"])
	}
	if len(again.widthProblems("f", rewrapped)) != 0 {
		t.Error("the wrapped field is still too wide")
	}
}

func TestWrappedLinesAreBalanced(t *testing.T) {
	// 130 columns of words: two lines of about half each, not 120 + one word.
	block := []string{"// Behavior: " + strings.Repeat("word ", 23) + "end.", "// Mirrors:  none", "// Since:    v5.3", "It("}
	lines := metadataAbove(block, 4).wrapped("Behavior")
	if len(lines) != 2 || columns(lines[0])-columns(lines[1]) > 10 {
		t.Errorf("unbalanced: %q", lines)
	}
}

func TestWrapLinesLeavesNarrowFieldsAndIsIdempotent(t *testing.T) {
	once, changed := wrapLines(longBlock)
	if !changed || once[0] != longBlock[0] || once[len(once)-2] != longBlock[2] {
		t.Fatalf("wrapLines: changed %v\n%s", changed, strings.Join(once, "\n"))
	}
	if twice, changed := wrapLines(once); changed || strings.Join(twice, "\n") != strings.Join(once, "\n") {
		t.Errorf("a second wrap changed the lines:\n%s", strings.Join(twice, "\n"))
	}
}
