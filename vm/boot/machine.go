package boot

import (
	"runtime"

	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// machine is what differs between the architectures QEMU emulates: its
// binary and package, the board, the console, and the port of the result
// stream.
type machine struct {
	binary, pkg string
	board       []string // -machine/-cpu
	console     string   // the kernel's console= device
	// tcgCmdline is kernel command line for this machine under TCG only.
	tcgCmdline string
	// resultPort is where the guest finds the result stream (see
	// frame.ResultPortEnv); resultDevice the QEMU arguments that give the
	// guest that port, fed by the chardev "results".
	resultPort   string
	resultDevice []string
}

// machineFor is the machine of a kernel's GOARCH (386 and amd64 are one PC).
func machineFor(arch string) machine {
	switch arch {
	case "arm64":
		return arm64Machine()
	case "386":
		m := pcMachine()
		m.binary = "qemu-system-i386"
		return m
	}
	return pcMachine()
}

// pcMachine: the console on the first 16550 (ttyS0), the result stream
// on the second (ttyS1).
func pcMachine() machine {
	return machine{
		binary: "qemu-system-x86_64", pkg: "qemu-system-x86",
		board:   []string{"-cpu", "max"},
		console: "ttyS0",
		// Debian 6.1's kernel distrusts TCG's TSC and keeps the HPET as
		// its clocksource, and every clock read (the Go runtime's
		// scheduler and timers read it constantly) becomes an emulated
		// MMIO access: time.Now 2.6 µs in the guest against 0.17 µs
		// with the TSC. TCG's TSC follows the host's, one clock for every
		// vCPU, so it is trusted here; 6.12 and 7.3 pick it by themselves.
		// Under KVM the kernel's own choice (kvm-clock) stands.
		tcgCmdline:   "clocksource=tsc tsc=reliable",
		resultPort:   frame.DefaultResultPort,
		resultDevice: []string{"-serial", "chardev:results"},
	}
}

// arm64Machine is QEMU's virt board. It has one PL011 UART (ttyAMA0, the
// console), so the result stream takes a second UART on PCI: QEMU's
// pci-serial, a 16550 that Debian's arm64 kernels drive with 8250_pci
// (SERIAL_8250_PCI and the generic PCI host are built in). A UART, not a
// virtio-serial port: the guest's tcdrain returns only once QEMU has
// written every byte into the runner's pipe (its 16550 holds a byte the
// pipe refuses until it can write it), as on the PC, so nothing is lost
// when the guest powers off at once. A virtio console drops what the pipe
// refuses (hw/char/virtio-console.c), and a virtio serial port, though
// QEMU holds what the pipe refuses, tells the guest nothing of it: its
// writes return once queued, and whatever QEMU still holds at power-off is
// gone.
func arm64Machine() machine {
	return machine{
		binary: "qemu-system-aarch64", pkg: "qemu-system-arm",
		board:        []string{"-machine", "virt", "-cpu", arm64CPU(KVMFor("arm64"))},
		console:      "ttyAMA0",
		resultPort:   frame.PCISerialPrefix + frame.ResultPCISerial,
		resultDevice: []string{"-device", "pci-serial,chardev=results"},
	}
}

// arm64CPU is the guest CPU: the host's under KVM (an arm64 host with
// /dev/kvm), else QEMU's max with the implementation-defined pointer
// authentication algorithm: the architected QARMA5 costs TCG a large share
// of every function return in a kernel built with PTR_AUTH, as Debian's
// is, and KVM refuses the property.
func arm64CPU(kvm bool) string {
	if kvm {
		return "max"
	}
	return "max,pauth-impdef=on"
}

// KVMFor reports whether QEMU will run a kernel of arch under KVM: /dev/kvm
// is usable and the host's CPU is of the guest's architecture (an i386
// guest runs on an amd64 host's KVM).
func KVMFor(arch string) bool {
	return sameMachine(runtime.GOARCH, arch) && KVMUsable()
}

func sameMachine(host, guest string) bool {
	return host == guest || (host == "amd64" && guest == "386")
}

// resultPortArg is the kernel command-line word that tells /init where the
// result stream goes (an unknown NAME=VALUE word becomes its environment);
// "" where it is /init's default, so a PC's command line stays as it was.
func (m machine) resultPortArg() string {
	if m.resultPort == frame.DefaultResultPort {
		return ""
	}
	return frame.ResultPortEnv + "=" + m.resultPort
}
