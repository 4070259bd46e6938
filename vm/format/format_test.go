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
