package boot

import (
	"slices"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// appendArg is the -append value of a QEMU command line.
func appendArg(t *testing.T, args []string) string {
	t.Helper()
	i := slices.Index(args, "-append")
	if i < 0 || i+1 >= len(args) {
		t.Fatalf("no -append in %q", args)
	}
	return args[i+1]
}

func TestArm64MachineArgs(t *testing.T) {
	v := &VM{Arch: "arm64", MemoryMB: 512, CPUs: 2, Append: "PIDFDCONF_TIME_SCALE=4"}
	args := v.args()
	line := strings.Join(args, " ")
	for _, want := range []string{
		"-accel tcg", // the zero Accel
		"-machine virt",
		"-cpu max,pauth-impdef=on",
		"-device pci-serial,chardev=results",
		"-chardev file,id=results,append=on,path=/dev/fdset/",
		"-serial stdio",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("arm64 command line lacks %q:\n%s", want, line)
		}
	}
	if strings.Contains(line, "virtconsole") || strings.Contains(line, "virtserialport") {
		t.Errorf("a virtio port loses what QEMU still holds at power-off:\n%s", line)
	}
	if strings.Contains(line, "-serial chardev:results") {
		t.Errorf("the virt board has one UART; the results must not ask for a second:\n%s", line)
	}
	cmdline := appendArg(t, args)
	for _, want := range []string{"console=ttyAMA0", frame.ResultPortEnv + "=pci:1b36:0002", "PIDFDCONF_TIME_SCALE=4"} {
		if !strings.Contains(cmdline, want) {
			t.Errorf("kernel command line lacks %q: %s", want, cmdline)
		}
	}
	if strings.Contains(cmdline, "ttyS0") {
		t.Errorf("arm64 command line names ttyS0: %s", cmdline)
	}
	if QEMUBinary("arm64") != "qemu-system-aarch64" || machineFor("arm64").pkg != "qemu-system-arm" {
		t.Errorf("arm64 QEMU: %s from %s", QEMUBinary("arm64"), machineFor("arm64").pkg)
	}
}

func TestPCMachineArgsUnchanged(t *testing.T) {
	for _, arch := range []string{"amd64", "386"} {
		args := (&VM{Arch: arch, MemoryMB: 512, CPUs: 1}).args()
		line := strings.Join(args, " ")
		if !strings.Contains(line, "-cpu max") || !strings.Contains(line, "-serial chardev:results") || strings.Contains(line, "virtconsole") || strings.Contains(line, "-machine") {
			t.Errorf("%s command line changed:\n%s", arch, line)
		}
		cmdline := appendArg(t, args)
		if !strings.HasPrefix(cmdline, "console=ttyS0 ") || strings.Contains(cmdline, frame.ResultPortEnv) {
			t.Errorf("%s kernel command line: %s (the result port is /init's default, ttyS1)", arch, cmdline)
		}
		if !strings.Contains(cmdline, "clocksource=tsc tsc=reliable") {
			t.Errorf("%s kernel command line under TCG: %s (the TSC must be forced)", arch, cmdline)
		}
		kvm := (&VM{Arch: arch, MemoryMB: 512, CPUs: 1, Accel: Accel{KVM: true}}).args()
		if cmdline := appendArg(t, kvm); strings.Contains(cmdline, "clocksource=") {
			t.Errorf("%s kernel command line under KVM: %s (the kernel's own clock choice stands)", arch, cmdline)
		}
		for _, c := range []struct {
			args []string
			want string
		}{{args, "tcg"}, {kvm, "kvm"}} {
			// One accelerator: QEMU must not fall back to another silently.
			if n := strings.Count(strings.Join(c.args, " "), "-accel "); n != 1 || !slices.Contains(c.args, c.want) {
				t.Errorf("%s: want only -accel %s, got %d -accel in %q", arch, c.want, n, c.args)
			}
		}
	}
	if QEMUBinary("amd64") != "qemu-system-x86_64" || QEMUBinary("386") != "qemu-system-i386" {
		t.Errorf("PC QEMU: %s, %s", QEMUBinary("amd64"), QEMUBinary("386"))
	}
}

func TestArm64CPU(t *testing.T) {
	if got := arm64CPU(false); got != "max,pauth-impdef=on" {
		t.Errorf("under TCG: -cpu %s, want the cheap pointer authentication", got)
	}
	if got := arm64CPU(true); got != "max" {
		t.Errorf("under KVM: -cpu %s, want max (KVM refuses pauth-impdef)", got)
	}
}

func TestSameMachine(t *testing.T) {
	for _, c := range []struct {
		host, guest string
		want        bool
	}{
		{"amd64", "amd64", true},
		{"amd64", "386", true},
		{"amd64", "arm64", false},
		{"arm64", "arm64", true},
		{"arm64", "amd64", false},
	} {
		if got := sameMachine(c.host, c.guest); got != c.want {
			t.Errorf("sameMachine(%s, %s) = %v, want %v", c.host, c.guest, got, c.want)
		}
	}
}
