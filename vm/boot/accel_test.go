package boot

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestKVMClosedTo(t *testing.T) {
	nobody := &syscall.Credential{Uid: 65534, Gid: 65534}
	inKVM := &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{108}}
	for _, c := range []struct {
		name       string
		mode       uint32
		uid, gid   uint32
		cred       *syscall.Credential
		wantClosed bool
	}{
		{"QEMU as the runner", 0o600, 0, 0, nil, false},
		{"0600 root:root, QEMU as nobody", 0o600, 0, 0, nobody, true},
		{"0660 root:root: the root group is never handed out", 0o660, 0, 0, &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{0}}, true},
		{"0660 root:kvm, QEMU in kvm", 0o660, 0, 108, inKVM, false},
		{"0660 root:kvm, QEMU not in kvm", 0o660, 0, 108, nobody, true},
		{"0666", 0o666, 0, 0, nobody, false},
		{"0640 root:kvm: the group may not write", 0o640, 0, 108, inKVM, true},
	} {
		st := unix.Stat_t{Mode: unix.S_IFCHR | c.mode, Uid: c.uid, Gid: c.gid}
		why := kvmClosedTo(st, c.cred)
		if (why != "") != c.wantClosed {
			t.Errorf("%s: kvmClosedTo = %q, want closed %v", c.name, why, c.wantClosed)
		}
		if why != "" && !strings.Contains(why, "0660") {
			t.Errorf("%s: %q does not name the fix", c.name, why)
		}
	}
}

// TestProbeFirmwareEndsQEMU runs each board's probe under TCG: the
// firmware must end QEMU with the probe's exit code, or AccelFor would
// read every working KVM as broken.
func TestProbeFirmwareEndsQEMU(t *testing.T) {
	if testing.Short() {
		t.Skip("starts QEMU; skipped with -short")
	}
	ctx := t.Context()
	for _, arch := range []string{"amd64", "386", "arm64"} {
		if err := EnsureQEMU(ctx, t.Logf, arch); err != nil {
			t.Skipf("no QEMU for %s: %v", arch, err)
		}
		start := time.Now()
		if err := runProbe(ctx, arch, Accel{Why: "test"}, qemuCredential()); err != nil {
			t.Errorf("%s probe under TCG: %v", arch, err)
		}
		t.Logf("%s probe under TCG: %s", arch, time.Since(start).Round(time.Millisecond))
	}
}
