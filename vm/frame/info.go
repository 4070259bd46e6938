package frame

import (
	"fmt"
	"regexp"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// Frame names shared by guest and host.
const (
	InfoName = "info.json" // GuestInfo, sent first
	// Per suite <area>: "<area>/report.json", "<area>/junit.xml", "<area>/run.json".
	ReportFile = "report.json"
	JUnitFile  = "junit.xml"
	RunFile    = "run.json"
	// The kernel's own pidfd selftests, when shipped: every program's log
	// as "selftests/<program>.log", then their parsed results (a JSON array
	// of selftests.Result), or the reason they could not run.
	SelftestsDir     = "selftests/"
	SelftestsResults = SelftestsDir + "results.json"
	SelftestsError   = SelftestsDir + "error.txt"
	// A kselftest guest's run: what run_kselftest.sh printed on stdout,
	// then how it ended (KselftestRun).
	KselftestOutput = "kselftest/output.txt"
	KselftestEnd    = "kselftest/run.json"
	// KselftestTimeoutEnv bounds the whole kselftest run in the guest.
	KselftestTimeoutEnv = "PIDFDCONF_KSELFTEST_TIMEOUT"
)

// KselftestRun is how run_kselftest.sh ended in a kselftest guest.
type KselftestRun struct {
	Exit    int     `json:"exit"`
	Seconds float64 `json:"seconds"`
	// Error: it could not start, or the guest stopped it at its budget.
	Error string `json:"error,omitempty"`
	// Truncated: stdout passed the guest's cap; the rest went unread.
	Truncated bool `json:"truncated,omitempty"`
}

// GuestInfo is what the guest recorded about the kernel it ran on.
type GuestInfo struct {
	Release    string               `json:"release"`
	Machine    string               `json:"machine"`
	Cmdline    string               `json:"cmdline"`
	ConfigHash string               `json:"config_hash,omitempty"` // sha256 of /proc/config.gz when the kernel exposes it
	LSMs       []string             `json:"lsms"`
	Mounts     []string             `json:"mounts"` // what mounted and what did not ("proc: ENOENT" etc.)
	Probes     []kernel.ProbeResult `json:"probes,omitempty"`
	Suites     []string             `json:"suites"`
	// UptimeAtInit is the kernel's uptime when /init started: the boot cost.
	UptimeAtInit float64 `json:"uptime_at_init"`
}

// SuiteRun is how one suite binary ended inside the guest.
type SuiteRun struct {
	Suite   string  `json:"suite"`
	Exit    int     `json:"exit"`
	Seconds float64 `json:"seconds"`
	// Start is the guest's CLOCK_BOOTTIME when the suite started, in
	// seconds: suites run side by side, so a column's suite time is the
	// span from the first start to the last end, not the sum.
	Start float64 `json:"start,omitempty"`
	// CPUSeconds is the user and system time of the suite's process and
	// of the helpers it waited for (its rusage): with Seconds, how busy
	// the suite kept the guest's vCPUs.
	CPUSeconds float64 `json:"cpu_seconds,omitempty"`
	Error      string  `json:"error,omitempty"` // could not start, killed by a signal, ...
	// Process names the group of suites that ran in one process with this
	// one (their names joined by '+'), "" when it ran alone: Exit, Error,
	// Start, Seconds and CPUSeconds are then that process's, the same in
	// the record of each suite of the group.
	Process string `json:"process,omitempty"`
}

// Bounds of a GuestInfo: the guest writes it, so the host checks it before
// using its suite names as keys and its strings in reports. Real values:
// seven suites of up to six letters, a release of about 30 bytes, a
// command line of about 400.
const (
	maxSuites      = 64
	maxInfoString  = 4 << 10
	maxInfoEntries = 1024 // LSMs, mounts, probes
)

// suiteName is what a suite directory under suites/ is called.
var suiteName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Check says what is wrong with g, nil when it is within bounds.
func (g *GuestInfo) Check() error {
	if len(g.Suites) > maxSuites {
		return fmt.Errorf("guest info lists %d suites, more than %d", len(g.Suites), maxSuites)
	}
	for _, s := range g.Suites {
		if !suiteName.MatchString(s) {
			return fmt.Errorf("guest info: suite name %q is not a suite directory's name", formatLine(s))
		}
	}
	for field, v := range map[string]string{"release": g.Release, "machine": g.Machine, "cmdline": g.Cmdline, "config_hash": g.ConfigHash} {
		if len(v) > maxInfoString {
			return fmt.Errorf("guest info: %s is %d bytes, more than %d", field, len(v), maxInfoString)
		}
	}
	for field, n := range map[string]int{"lsms": len(g.LSMs), "mounts": len(g.Mounts), "probes": len(g.Probes)} {
		if n > maxInfoEntries {
			return fmt.Errorf("guest info: %d %s, more than %d", n, field, maxInfoEntries)
		}
	}
	return nil
}
