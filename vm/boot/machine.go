package boot

import (
	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// machine is what differs between the architectures QEMU emulates: its
// binary and package, the board, the console, and the port of the result
// stream.
type machine struct {
	binary, pkg string
	board       func(kvm bool) []string // -machine/-cpu
	console     string                  // the kernel's console= device
	// tcgCmdline is kernel command line for this machine under TCG only.
	tcgCmdline string
	// resultPort is where the guest finds the result stream (see
	// frame.ResultPortEnv); resultDevice the QEMU arguments that give the
	// guest that port, fed by the chardev "results".
	resultPort   string
	resultDevice []string
	// probe is the guest AccelFor runs under KVM before trusting it.
	probe probeGuest
}

// probeGuest is firmware that ends QEMU with exitCode at once, and the
// devices it needs.
type probeGuest struct {
	firmware []byte
	args     []string
	exitCode int
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
		board:   func(bool) []string { return []string{"-cpu", "max"} },
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
		probe:        pcProbe,
	}
}

// pcProbe is a BIOS of 64 KiB (QEMU takes no less) whose reset vector, at
// its last 16 bytes, writes 0x31 to isa-debug-exit: QEMU exits (0x31<<1)|1.
var pcProbe = probeGuest{
	firmware: append(make([]byte, 0xfff0), []byte{
		0xb0, 0x31, // mov al, 0x31
		0xe6, 0xf4, // out 0xf4, al
		0xf4,       // hlt
		0xeb, 0xfd, // jmp back to the hlt
		0, 0, 0, 0, 0, 0, 0, 0, 0,
	}...),
	args:     []string{"-device", "isa-debug-exit,iobase=0xf4,iosize=0x01"},
	exitCode: 0x63,
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
		board:        func(kvm bool) []string { return []string{"-machine", "virt", "-cpu", arm64CPU(kvm)} },
		console:      "ttyAMA0",
		resultPort:   frame.PCISerialPrefix + frame.ResultPCISerial,
		resultDevice: []string{"-device", "pci-serial,chardev=results"},
		probe:        arm64Probe,
	}
}

// arm64Probe is flash whose first instructions ask PSCI (through hvc, the
// virt board's conduit under KVM, and under TCG without EL2 and EL3) for
// SYSTEM_OFF: QEMU exits 0.
var arm64Probe = probeGuest{
	firmware: []byte{
		0x00, 0x01, 0x80, 0xd2, // movz x0, #0x0008
		0x00, 0x80, 0xb0, 0xf2, // movk x0, #0x8400, lsl #16: PSCI SYSTEM_OFF
		0x02, 0x00, 0x00, 0xd4, // hvc #0
		0x00, 0x00, 0x00, 0x14, // b .
	},
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

// sameMachine reports whether a host's KVM can run the guest's
// architecture (an i386 guest runs on an amd64 host's KVM).
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
