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
		board:        []string{"-cpu", "max"},
		console:      "ttyS0",
		resultPort:   frame.DefaultResultPort,
		resultDevice: []string{"-serial", "chardev:results"},
	}
}

// arm64Machine is QEMU's virt board. It has one PL011 UART (ttyAMA0, the
// console), so the result stream takes a named port of virtio-serial-pci:
// Debian's arm64 kernels build VIRTIO_CONSOLE, VIRTIO_PCI and the generic
// PCI host in (=y; virtio-mmio is a module, out of reach of an initramfs
// without modules). A serial port (virtserialport), not a console one
// (virtconsole, hvc0): QEMU drops what a console port cannot write at once
// (hw/char/virtio-console.c: "data is dropped" when the runner's pipe is
// full), while a serial port holds the guest's write until the pipe takes
// it. A blocking write to it returns once QEMU has the bytes, so nothing
// is lost at power-off, and the stream moves without a UART's per-byte
// traps.
func arm64Machine() machine {
	return machine{
		binary: "qemu-system-aarch64", pkg: "qemu-system-arm",
		board:      []string{"-machine", "virt", "-cpu", arm64CPU(KVMFor("arm64"))},
		console:    "ttyAMA0",
		resultPort: frame.VirtioPortPrefix + frame.ResultVirtioPort,
		resultDevice: []string{
			"-device", "virtio-serial-pci,id=results-bus",
			"-device", "virtserialport,bus=results-bus.0,chardev=results,name=" + frame.ResultVirtioPort,
		},
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
