package frame

// Where things lie in the initramfs: the image stage puts them there, the
// guest's /init finds them there. Paths are relative to the root.
const (
	SuitesPath        = "suites"               // <area>.test: a link to the program of every suite, or a suite's own test binary
	RoleBinaryPath    = "bin/pidfdconf-role"   // cmd/pidfdconf-role
	RoleCBinaryPath   = "bin/pidfdconf-role-c" // cmd/pidfdconf-role-c
	SelftestsPath     = "selftests"            // the kernel's own pidfd selftests of its version
	SELinuxPolicyPath = "selinux/policy"       // Debian's compiled policy, for lsm-selinux
	KernelConfigPath  = "kconfig/config"       // the kernel's .config, when the runner has it
	// A kselftest guest (pidfdconf-vm matrix -kselftest): /init starts
	// KselftestScriptPath with busybox's sh, which runs the kselftest
	// install in KselftestPath as a lab would.
	KselftestPath       = "kselftest"
	KselftestScriptPath = "bin/run-kselftest"
	BusyboxPath         = "bin/busybox"
)

// Where the result stream leaves the guest: a second serial port by default;
// a machine without one (QEMU's arm64 virt board has a single UART) names
// its port on the kernel command line, NAME=VALUE words the kernel does not
// know becoming /init's environment: a device under /dev, or PCISerialPrefix
// and the PCI vendor:device of a serial card, whose tty /init finds in
// /sys/bus/pci/devices.
const (
	DefaultResultPort = "/dev/ttyS1"
	ResultPortEnv     = "PIDFDCONF_RESULT_PORT"
	PCISerialPrefix   = "pci:"
	// ResultPCISerial is QEMU's pci-serial, a 16550 on PCI (Red Hat's
	// 1b36:0002), the result port of a machine without a second UART.
	ResultPCISerial = "1b36:0002"
)
