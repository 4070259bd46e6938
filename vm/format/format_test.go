package format

import (
	"testing"
)

func TestPrintableDropsTerminalControl(t *testing.T) {
	in := "\x1bc\x1b[?7l\x1b[2JSeaBIOS\r\n[ 1.0] Kernel panic\n"
	if got := Printable(in); got != "SeaBIOS\n[ 1.0] Kernel panic\n" {
		t.Fatalf("%q", got)
	}
}

func TestCappedBufferKeepsTheFirstBytes(t *testing.T) {
	b := &CappedBuffer{Max: 5}
	for _, w := range []string{"abc", "defg", "h"} {
		if n, err := b.Write([]byte(w)); n != len(w) || err != nil {
			t.Fatalf("Write(%q) = %d, %v: a capped write must not stall the writer", w, n, err)
		}
	}
	if b.String() != "abcde" || !b.Truncated {
		t.Errorf("kept %q, truncated %v", b.String(), b.Truncated)
	}
}
