package gate

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// Exit codes of `pidfdconf-vm bisect-run`, the ones `git bisect run`
// acts on.
const (
	BisectGood = 0   // every focused spec PASS (SKIPs beside at least one PASS)
	BisectBad  = 1   // a focused spec FAIL or TIMEOUT
	BisectSkip = 125 // this commit cannot be judged: the kernel did not build or boot, or the specs are MISS or all SKIP
	// BisectAbort is any other problem (a usage or setup error, an
	// interrupt, a focus that names no spec): above 127, so git bisect
	// stops instead of taking the commit for good or bad.
	BisectAbort = 128
)

// BisectVerdict judges the one kernel of m on the specs focus matches and
// says why, in one line.
func BisectVerdict(m *judge.Matrix, focus judge.Filter) (code int, why string) {
	if len(m.Kernels) != 1 {
		return BisectAbort, fmt.Sprintf("a bisection step judges one kernel, the run had %d", len(m.Kernels))
	}
	kr := m.Kernels[0]
	if boot := m.Cell(kr, judge.BootRow); boot.Result == judge.MISS {
		return BisectSkip, "the kernel did not boot (MISS): " + boot.Reason
	}
	count := map[judge.Verdict][]string{}
	for _, r := range m.Rows {
		if focus.Match(r) {
			c := m.Cell(kr, r)
			count[c.Result] = append(count[c.Result], r.Key())
		}
	}
	var missing []string
	for _, a := range slices.Sorted(maps.Keys(kr.SuiteMiss)) {
		if len(focus.Suites([]string{a})) > 0 {
			missing = append(missing, a+": "+kr.SuiteMiss[a])
		}
	}
	switch {
	case len(count[judge.FAIL])+len(count[judge.TIMEOUT]) > 0:
		return BisectBad, "bad: " + strings.Join(append(count[judge.FAIL], count[judge.TIMEOUT]...), "; ")
	case len(count[judge.MISS]) > 0 || len(missing) > 0:
		return BisectSkip, "MISS: " + strings.Join(append(count[judge.MISS], missing...), "; ")
	case len(count) == 0:
		return BisectAbort, fmt.Sprintf("no spec matches %q (a glob over \"<suite>: <full spec text>\", as in matrix.txt)", strings.Join(focus, " or "))
	case len(count[judge.PASS]) == 0:
		return BisectSkip, "nothing judged: every focused spec skipped: " + strings.Join(count[judge.SKIP], "; ")
	}
	return BisectGood, fmt.Sprintf("good: %d PASS, %d SKIP", len(count[judge.PASS]), len(count[judge.SKIP]))
}

// BisectErrorCode is the exit code of a bisection step whose run ended in
// err: a kernel that did not build is this commit's problem (skip it);
// anything else is the harness's, and must stop the bisection.
func BisectErrorCode(err error) int {
	var be *kernels.BuildError
	if errors.As(err, &be) {
		return BisectSkip
	}
	return BisectAbort
}
