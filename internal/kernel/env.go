package kernel

import "os"

// The PIDFDCONF_* environment variables. The VM runner passes the first
// four to its guests on the kernel command line; the rest are set by one
// process for another it starts.
const (
	// AllowMissingEnv lists features (comma separated) whose absence on a
	// kernel that should have them is a known gap: those specs skip.
	AllowMissingEnv = "PIDFDCONF_ALLOW_MISSING"
	// TimeScaleEnv multiplies every window and timeout; the VM runner
	// raises it under software emulation, where everything is slower.
	TimeScaleEnv = "PIDFDCONF_TIME_SCALE"
	// SuiteTimeoutEnv is the guest's -ginkgo.timeout for each suite binary.
	SuiteTimeoutEnv = "PIDFDCONF_SUITE_TIMEOUT"
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
	// SuiteBinaryEnv names the suite binary, for helpers that start a
	// suite's own role.
	SuiteBinaryEnv = "PIDFDCONF_SUITE_BINARY"
	// probeChildEnv makes a binary that links this package exit at once.
	probeChildEnv = "PIDFDCONF_PROBE_CHILD"
	// BlockChildEnv makes a suite binary block until it is killed.
	BlockChildEnv = "PIDFDCONF_BLOCK_CHILD"
	// SigwaitMaskedEnv tells the sigwait role its signals are already blocked.
	SigwaitMaskedEnv = "PIDFDCONF_SIGWAIT_MASKED"
	// GuestEnv is set to 1 by the VM guest's /init for everything it runs.
	GuestEnv = "PIDFDCONF_GUEST"
	// KconfigEnv names the running kernel's config file: the guest's copy
	// of the config the runner booted, or one a user points at natively.
	KconfigEnv = "PIDFDCONF_KCONFIG"
)

// InGuest reports whether this process runs inside the VM runner's guest.
func InGuest() bool { return os.Getenv(GuestEnv) == "1" }
