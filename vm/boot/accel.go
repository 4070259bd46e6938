package boot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/vm/format"
)

// Accel is how QEMU runs the guests of one architecture: under KVM, or
// emulated (TCG) for the reason Why.
type Accel struct {
	KVM bool
	Why string
}

func (a Accel) String() string {
	if a.KVM {
		return a.Name()
	}
	return a.Name() + " (" + a.Why + ")"
}

// Name is "KVM" or "TCG".
func (a Accel) Name() string {
	if a.KVM {
		return "KVM"
	}
	return "TCG"
}

// flag is QEMU's -accel value. QEMU gets only the accelerator decided here,
// never a list to fall back along: a fallback QEMU takes silently would
// leave the runner reporting KVM, and timing the guests as KVM guests
// (PIDFDCONF_TIME_SCALE, the TCG clock), while they are emulated.
func (a Accel) flag() string {
	if a.KVM {
		return "kvm"
	}
	return "tcg"
}

var accels = struct {
	sync.Mutex
	byArch map[string]Accel
}{byArch: map[string]Accel{}}

// AccelFor decides, once per architecture in this process, how QEMU runs
// guests of arch. KVM only when QEMU, as the user it runs as (confine.go),
// ran a probe guest under KVM: opening /dev/kvm as the runner proves
// neither that QEMU may open it (a 0600 /dev/kvm and QEMU as nobody) nor
// that its KVM runs a guest of this board (seen: a nested host's KVM that
// refuses QEMU's MSR setup for -cpu max).
func AccelFor(ctx context.Context, arch string) Accel {
	accels.Lock()
	defer accels.Unlock()
	a, ok := accels.byArch[arch]
	if !ok {
		a = decideAccel(ctx, arch)
		accels.byArch[arch] = a
	}
	return a
}

func decideAccel(ctx context.Context, arch string) Accel {
	if !sameMachine(runtime.GOARCH, arch) {
		return Accel{Why: "the host cannot run " + arch + " guests under KVM"}
	}
	if !KVMUsable() {
		return Accel{Why: "no usable /dev/kvm"}
	}
	cred := qemuCredential()
	var st unix.Stat_t
	if err := unix.Stat("/dev/kvm", &st); err != nil {
		return Accel{Why: "/dev/kvm: " + err.Error()}
	}
	if why := kvmClosedTo(st, cred); why != "" {
		return Accel{Why: why}
	}
	if err := probeKVM(ctx, arch, cred); err != nil {
		return Accel{Why: "QEMU ran no probe guest under KVM: " + err.Error()}
	}
	return Accel{KVM: true}
}

// kvmClosedTo says why QEMU running as cred cannot open /dev/kvm (st);
// "" when it can, or runs as the runner, who just opened it.
func kvmClosedTo(st unix.Stat_t, cred *syscall.Credential) string {
	mode := st.Mode & 0o777
	switch {
	case cred == nil, mode&0o006 == 0o006:
		return ""
	case st.Uid == cred.Uid && mode&0o600 == 0o600:
		return ""
	case kvmGroupGrants(st) && (st.Gid == cred.Gid || slices.Contains(cred.Groups, st.Gid)):
		return ""
	}
	return fmt.Sprintf("/dev/kvm (mode %04o, owner %d:%d) is closed to uid %d, whom QEMU runs as; to use KVM, give /dev/kvm a group other than root and mode 0660 (Debian's udev rule makes it root:kvm 0660)",
		mode, st.Uid, st.Gid, cred.Uid)
}

// kvmGroupGrants reports whether membership in /dev/kvm's group opens it
// to QEMU. Never the root group: QEMU would hold it for every file as well.
func kvmGroupGrants(st unix.Stat_t) bool { return st.Mode&0o060 == 0o060 && st.Gid != 0 }

// probeTimeout bounds the probe guest: it runs a handful of instructions.
var probeTimeout = 10 * time.Second

// probeKVM runs the board's probe guest under KVM, confined as a VM is.
func probeKVM(ctx context.Context, arch string, cred *syscall.Credential) error {
	return runProbe(ctx, arch, Accel{KVM: true}, cred)
}

// runProbe boots the board of arch with the probe firmware of its
// machine, which must end QEMU with the probe's exit code.
func runProbe(ctx context.Context, arch string, a Accel, cred *syscall.Credential) error {
	m := machineFor(arch)
	fw, err := memfdOf("pidfdconf-probe-firmware", bytes.NewReader(m.probe.firmware))
	if err != nil {
		return fmt.Errorf("the probe firmware: %w", err)
	}
	defer fw.Close()
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	args := []string{"-nodefaults", "-no-reboot", "-nographic", "-monitor", "none", "-accel", a.flag()}
	args = append(args, m.board(a.KVM)...)
	args = append(args, "-m", "16", "-bios", fdPath(3))
	args = append(args, m.probe.args...)
	cmd := exec.CommandContext(ctx, m.binary, append(args, sandbox...)...)
	out := &format.CappedBuffer{Max: 4 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	confine(cmd, cred, fw)
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	if ctx.Err() != nil {
		return fmt.Errorf("no end within %s%s", probeTimeout, said(out.String()))
	}
	var exit *exec.ExitError
	switch {
	case err == nil && m.probe.exitCode == 0, errors.As(err, &exit) && exit.ExitCode() == m.probe.exitCode:
		return nil
	case err == nil:
		err = errors.New("exit status 0")
	}
	return fmt.Errorf("%s ended with %v, not exit status %d%s", m.binary, err, m.probe.exitCode, said(out.String()))
}

// said is the first line QEMU printed, as a clause.
func said(out string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	if line == "" {
		return ""
	}
	return ` (QEMU said "` + strings.ToValidUTF8(line, "?") + `")`
}
