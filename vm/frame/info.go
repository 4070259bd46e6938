package frame

import "github.com/pidfdconf/pidfdconf/internal/kernel"

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
)

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
	Error   string  `json:"error,omitempty"` // could not start, killed by a signal, ...
}
