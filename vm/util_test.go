package vm

import (
	"testing"
	"time"
)

func TestPrintableDropsTerminalControl(t *testing.T) {
	in := "\x1bc\x1b[?7l\x1b[2JSeaBIOS\r\n[ 1.0] Kernel panic\n"
	if got := printable(in); got != "SeaBIOS\n[ 1.0] Kernel panic\n" {
		t.Fatalf("%q", got)
	}
}

func TestSuiteTimeoutLeavesRoomForBoot(t *testing.T) {
	if got := suiteTimeout(10*time.Minute, 3); got != 3*time.Minute {
		t.Errorf("10m/3 suites: %s", got)
	}
	if got := suiteTimeout(30*time.Second, 0); got != time.Minute {
		t.Errorf("floor: %s", got)
	}
}

func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"6.1.*", "6.1.192", true},
		{"6.1.*", "6.12.117", false},
		{"*", "anything", true},
		{"open: pidfd_open(2) [x] *", "open: pidfd_open(2) [x] fails", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXcYb", false},
		{"exact", "exact", true},
	} {
		if got := globMatch(c.p, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.p, c.s, got)
		}
	}
}
