package boot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/boot"
	"github.com/pidfdconf/pidfdconf/vm/boot/boottest"
)

// A QEMU that does not end the probe guest with its exit code reads as no
// KVM, with QEMU's first line quoted.
func TestProbeReportsWhatWentWrong(t *testing.T) {
	for _, c := range []struct{ script, want string }{
		{"echo 'error: failed to set MSR 0x10a to 0x69' >&2; exit 1", `exit status 1, not exit status 99 (QEMU said "error: failed to set MSR 0x10a to 0x69")`},
		{"exit 0", "exit status 0, not exit status 99"},
		{"kill -ABRT $$", "signal: aborted"},
		{"echo stuck; exec sleep 30", `no end within 1s (QEMU said "stuck")`},
		{"exit 99", ""},
	} {
		boottest.FakeQEMU(t, c.script)
		start := time.Now()
		err := boot.RunProbeUnderKVM(t.Context(), "amd64", time.Second)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v, want success", c.script, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want %q", c.script, err, c.want)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("%s: the probe took %s", c.script, time.Since(start))
		}
	}
}
