package ktap

import (
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

func TestNameIsTheIDOrABoundedSlug(t *testing.T) {
	if got := Name("open", "rejects_undefined_flag_bit_3", "ignored text"); got != "pidfd.open.rejects_undefined_flag_bit_3" {
		t.Errorf("Name with an ID = %q", got)
	}
	if got := Name("open", "", "[BeforeSuite]"); got != "pidfd.open.beforesuite" {
		t.Errorf("Name of a suite node = %q", got)
	}
	long := strings.Repeat("a very long spec text ", 10)
	if got := Name("open", "", long); len(got) > NameMax || got == Name("open", "", long+"!") {
		t.Errorf("long name %q is not bounded or not told apart", got)
	}
}

func TestWriteCaseLines(t *testing.T) {
	cases := []struct {
		c      Case
		strict bool
		want   string
		ok     bool
	}{
		{Case{Result: outcome.PASS}, false, "ok 3 n\n", true},
		{Case{Result: outcome.SKIP, Reason: "requires root\n(uid 65534) #1"}, false, "ok 3 n # SKIP requires root (uid 65534) \\#1\n", true},
		{Case{Result: outcome.NA}, false, "ok 3 n # SKIP not applicable\n", true},
		{Case{Result: outcome.FAIL, Reason: "Expected\n  EINVAL"}, false, "# FAIL: Expected EINVAL\nnot ok 3 n\n", false},
		{Case{Result: outcome.TIMEOUT, Reason: "timed out"}, false, "# TIMEOUT: timed out\nnot ok 3 n # ERROR TIMEOUT\n", false},
		{Case{Result: outcome.MISS}, false, "not ok 3 n # ERROR MISS\n", false},
		{Case{Result: outcome.XFAIL, ID: "bug-1"}, false, "ok 3 n # XFAIL bug-1\n", true},
		{Case{Result: outcome.XPASS, ID: "bug-1"}, true, "not ok 3 n # XPASS bug-1\n", false},
	}
	for _, c := range cases {
		var b strings.Builder
		if ok := WriteCase(&b, 3, "n", c.c, c.strict); ok != c.ok || b.String() != c.want {
			t.Errorf("WriteCase(%+v) = %v %q, want %v %q", c.c, ok, b.String(), c.ok, c.want)
		}
	}
}
