package kernel

import "os"

// The PIDFDCONF_* environment variables. The VM runner passes the first
// four to its guests on the kernel command line; the VM guest's /init sets
// the next two; the rest are set by one process for another it starts.
const (
	// AllowMissingEnv lists features, by the names the FAIL messages
	// print, separated by commas, whose absence on a kernel that should
	// have them is a known gap: those specs skip.
	AllowMissingEnv = "PIDFDCONF_ALLOW_MISSING"
	// TimeScaleEnv multiplies every window and timeout; the VM runner
	// raises it under software emulation, where everything is slower.
	TimeScaleEnv = "PIDFDCONF_TIME_SCALE"
	// SuiteTimeoutEnv is the guest's -ginkgo.timeout for each suite binary.
	SuiteTimeoutEnv = "PIDFDCONF_SUITE_TIMEOUT"
	// GuestEnv is "1" in the VM guest, where /init starts the suites.
	GuestEnv = "PIDFDCONF_GUEST"
	// KconfigEnv names the running kernel's .config (plain or .gz): the
	// guest's copy in the VM, any file natively. It takes precedence over
	// /proc/config.gz and /boot/config-RELEASE.
	KconfigEnv = "PIDFDCONF_KCONFIG"
	// SelftestTimeoutEnv bounds the guest's run of the kernel's own
	// selftests, all programs together: the runner adds it to the VM's
	// deadline, so a hanging selftest never costs the suites' results.
	SelftestTimeoutEnv = "PIDFDCONF_SELFTEST_TIMEOUT"
	// RequireSELinuxEnv, set to 1 by the VM guest when the kernel command
	// line asks for SELinux, turns the SELinux specs' skip into a failure.
	RequireSELinuxEnv = "PIDFDCONF_REQUIRE_SELINUX"
	// SELinuxPolicyEnv points the VM image builder at a binary policy.
	SELinuxPolicyEnv = "PIDFDCONF_SELINUX_POLICY"
	// RoleEnv selects a helper role when a test binary is re-executed.
	RoleEnv = "PIDFDCONF_ROLE"
	// RoleBinaryEnv names cmd/pidfdconf-role, which internal/role's helpers
	// run from when it is set (see there).
	RoleBinaryEnv = "PIDFDCONF_ROLE_BINARY"
	// RoleCBinaryEnv names cmd/pidfdconf-role-c, the roles it has in C
	// (role.CBinary), which their helpers run from when it is set.
	RoleCBinaryEnv = "PIDFDCONF_ROLE_C_BINARY"
	// SuiteBinaryEnv names the suite binary, which helpers run from when
	// RoleBinaryEnv is unset.
	SuiteBinaryEnv = "PIDFDCONF_SUITE_BINARY"
	// probeChildEnv makes a binary that links this package exit at once.
	probeChildEnv = "PIDFDCONF_PROBE_CHILD"
	// BlockChildEnv makes a suite binary block until it is killed.
	BlockChildEnv = "PIDFDCONF_BLOCK_CHILD"
	// SigwaitMaskedEnv tells the sigwait role its signals are already blocked.
	SigwaitMaskedEnv = "PIDFDCONF_SIGWAIT_MASKED"
)

// InGuest reports whether the suites run inside the VM runner's guest.
func InGuest() bool { return os.Getenv(GuestEnv) == "1" }
