package specid

import "testing"

func TestOfJoinsScopesAndTheSpecsOwnPart(t *testing.T) {
	cases := []struct {
		labels []string
		id     string
		own    int
	}{
		{[]string{"area:open", "syscall:pidfd_open", "id:rejects_flag_bit_3"}, "rejects_flag_bit_3", 1},
		{[]string{"id-scope:syslogd_t", "needs:root", "id:opens_pidfd"}, "syslogd_t_opens_pidfd", 1},
		{[]string{"id-scope:global_reuse", "id-scope:x"}, "", 0},
		{[]string{"id:a", "id:b"}, "b", 2},
	}
	for _, c := range cases {
		if id, own := Of(c.labels); id != c.id || own != c.own {
			t.Errorf("Of(%q) = %q, %d; want %q, %d", c.labels, id, own, c.id, c.own)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, ok := range []string{"a", "rejects_undefined_flag_bit_3", "0x1"} {
		if err := Check(ok); err != nil {
			t.Errorf("Check(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Upper", "two__gaps", "_lead", "trail_", "dash-ed", "sp ace", string(make([]byte, 61))} {
		if Check(bad) == nil {
			t.Errorf("Check(%q) accepted it", bad)
		}
	}
	long := "a"
	for len(long) < MaxLen {
		long += "b"
	}
	if Check(long) != nil || Check(long+"c") == nil {
		t.Errorf("the limit is not exactly %d characters", MaxLen)
	}
}

func TestSlugCutsAtAWordBoundary(t *testing.T) {
	if got := Slug("pidfd_open(2) rejects -- undefined flag bit 3"); got != "pidfd_open_2_rejects_undefined_flag_bit_3" {
		t.Errorf("Slug = %q", got)
	}
	long := Slug("this sentence is much longer than the sixty characters an identifier may have at most")
	if len(long) > MaxLen || Check(long) != nil {
		t.Errorf("Slug gave %q", long)
	}
}
