package boot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/boot/boottest"
)

func TestSilenceSeparatesSlowFromStuck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		script  string
		timeout time.Duration
		want    string // EndReason prefix; "" for a VM that powered off by itself
	}{
		// A dot every 0.2 s for 2 s: twice the silence window in
		// total, never silent that long, no newline (Ginkgo's dots).
		{"slow console", "for i in 1 2 3 4 5 6 7 8 9 10; do printf .; sleep 0.2; done", time.Minute, ""},
		// A silent console while the result stream grows is progress too.
		{"slow result stream", "for i in 1 2 3 4 5 6 7 8 9 10; do printf x >&3; sleep 0.2; done", time.Minute, ""},
		{"stuck after a line", "echo booting; exec sleep 60", time.Minute, "guest stuck: no console or result output for 1s"},
		{"stuck at once", "exec sleep 60", time.Minute, "guest stuck"},
		{"slow past the deadline", "while :; do printf .; sleep 0.1; done", 1500 * time.Millisecond, "guest slow: VM deadline 1.5s passed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			boottest.FakeQEMU(t, tc.script)
			v := boottest.VM(t, tc.timeout, time.Second)
			res := v.Run(context.Background())
			why := v.EndReason(res)
			if !strings.HasPrefix(why, tc.want) || (tc.want == "") != (why == "") {
				t.Fatalf("EndReason = %q, want prefix %q (result %+v)", why, tc.want, res)
			}
			if res.Wall > 10*time.Second {
				t.Errorf("took %s: the VM was not stopped", res.Wall)
			}
		})
	}
}

// With Silence 0 only the outer deadline ends a silent guest.
func TestSilenceOff(t *testing.T) {
	boottest.FakeQEMU(t, "exec sleep 60")
	v := boottest.VM(t, time.Second, 0)
	res := v.Run(context.Background())
	if !res.TimedOut || res.Stalled {
		t.Fatalf("result %+v, want TimedOut only", res)
	}
}

// A guest whose console stays busy but whose /init never writes the result
// stream is ended at InitDeadline, long before Silence; one that starts
// /init in time runs on past it.
func TestInitDeadline(t *testing.T) {
	for _, tc := range []struct {
		name, script, want string
	}{
		{"hung before /init", "while :; do printf .; sleep 0.1; done", "guest stuck before /init: no result output 1s after QEMU started"},
		{"/init in time", "printf x >&3; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do printf .; sleep 0.1; done", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			boottest.FakeQEMU(t, tc.script)
			v := boottest.VM(t, time.Minute, 30*time.Second)
			v.InitDeadline = time.Second
			res := v.Run(context.Background())
			if why := v.EndReason(res); why != tc.want {
				t.Fatalf("EndReason = %q, want %q (result %+v)", why, tc.want, res)
			}
			if res.NoInit != (tc.want != "") {
				t.Errorf("NoInit = %v", res.NoInit)
			}
			if res.Wall > 10*time.Second {
				t.Errorf("took %s: the VM was not stopped", res.Wall)
			}
		})
	}
}
