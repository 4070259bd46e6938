package judge

import "github.com/pidfdconf/pidfdconf/internal/outcome"

// Verdict is one verdict of a matrix cell, in the words every report uses
// (outcome.Verdict: the kselftest collection speaks it too).
type Verdict = outcome.Verdict

const (
	PASS    = outcome.PASS
	FAIL    = outcome.FAIL
	SKIP    = outcome.SKIP
	XFAIL   = outcome.XFAIL
	XPASS   = outcome.XPASS
	TIMEOUT = outcome.TIMEOUT
	MISS    = outcome.MISS
	NA      = outcome.NA
)

// Cell is one spec on one kernel.
type Cell struct {
	Result Verdict `json:"result"`
	Reason string  `json:"reason,omitempty"` // skip reason, failure message, cause of a MISS
	// Class says why a SKIP did not apply (older kernel, config, privilege,
	// architecture, environment), as the spec itself classed it.
	Class    outcome.SkipClass `json:"class,omitempty"`
	ID       string            `json:"id,omitempty"` // expectations entry behind XFAIL/XPASS
	Location string            `json:"location,omitempty"`
	Seconds  float64           `json:"seconds,omitempty"`
}

// Row is one line of the matrix: a spec of a suite, or a runner row.
type Row struct {
	Suite string `json:"suite"`
	Text  string `json:"text"`
	// ID is the spec's stable ID (helpers.ID): its KTAP name and its key
	// in a baseline comparison. Runner rows have none.
	ID     string   `json:"id,omitempty"`
	Labels []string `json:"labels,omitempty"`
	// Mirrors and Since of the spec, from the spec catalogue: what kernel
	// CI tools show beside a verdict (the selftest it mirrors, the kernel
	// release that introduced the behaviour).
	Mirrors string `json:"mirrors,omitempty"`
	Since   string `json:"since,omitempty"`
	// File and Line of the spec: rows sort by them, because Ginkgo
	// randomises the run order and the matrix must not reshuffle.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Key identifies the row across kernels.
func (r Row) Key() string {
	if r.Suite == "" {
		return r.Text
	}
	return r.Suite + ": " + r.Text
}

// Runner rows: not specs, but verdicts about the run itself.
var (
	BootRow = Row{Text: "(boot: kernel ran /init and streamed results)"}
	LSMRow  = Row{Text: "LSM-independence (same verdicts under every LSM stack)"}
	// KselftestRow is a -kselftest run's verdict on the column: the
	// suites as a kselftest collection under the kernel's runner in a
	// busybox guest agree, spec by spec, with the column's own run. NA on
	// a column that had no such run.
	KselftestRow = Row{Text: "(kselftest: run_kselftest.sh -c pidfdconf agrees with the suites)"}
)
