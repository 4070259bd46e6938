package outcome

// Verdict is one spec's result on one kernel, in the words every report
// uses. The VM runner's judge and the suites run as a kselftest collection
// both speak it.
type Verdict string

const (
	PASS    Verdict = "PASS"
	FAIL    Verdict = "FAIL"
	SKIP    Verdict = "SKIP"
	XFAIL   Verdict = "XFAIL"
	XPASS   Verdict = "XPASS"
	TIMEOUT Verdict = "TIMEOUT"
	MISS    Verdict = "MISS"
	// NA marks a row that does not apply to a kernel (LSM-independence on a
	// kernel outside any LSM group).
	NA Verdict = ""
)

// Known reports whether v is one of the verdicts above: a report read back
// may hold anything.
func (v Verdict) Known() bool {
	switch v {
	case PASS, FAIL, SKIP, XFAIL, XPASS, TIMEOUT, MISS, NA:
		return true
	}
	return false
}
