package boot

import (
	"context"
	"os"
	"path/filepath"
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

// TestProbeReportsWhatWentWrong stands a script in for QEMU.
func TestProbeReportsWhatWentWrong(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o777); err != nil { // QEMU may run as nobody
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	defer func(d time.Duration) { probeTimeout = d }(probeTimeout)
	probeTimeout = time.Second
	for _, c := range []struct{ script, want string }{
		{"echo 'error: failed to set MSR 0x10a to 0x69' >&2; exit 1", `exit status 1, not exit status 99 (QEMU said "error: failed to set MSR 0x10a to 0x69")`},
		{"exit 0", "exit status 0, not exit status 99"},
		{"kill -ABRT $$", "signal: aborted"},
		{"echo stuck; exec sleep 30", `no end within 1s (QEMU said "stuck")`},
		{"exit 99", ""},
	} {
		if err := os.WriteFile(filepath.Join(dir, QEMUBinary("amd64")), []byte("#!/bin/sh\n"+c.script+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		err := runProbe(context.Background(), "amd64", Accel{KVM: true}, qemuCredential())
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
