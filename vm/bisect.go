package vm

import (
	"errors"
	"fmt"
	"strings"
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

// focusSuites keeps the suites that can hold a spec matching focus (a glob
// over "<suite>: <full spec text>"), so a bisection step builds and runs
// only those: the literal text before the first '*' either names the
// suite or is a prefix of suite names.
func focusSuites(areas []string, focus string) []string {
	if focus == "" {
		return areas
	}
	literal, _, _ := strings.Cut(focus, "*")
	var keep []string
	for _, a := range areas {
		if strings.HasPrefix(a+": ", literal) || strings.HasPrefix(literal, a+": ") {
			keep = append(keep, a)
		}
	}
	return keep
}

// BisectVerdict judges the one kernel of m on the specs matching focus and
// says why, in one line.
func BisectVerdict(m *Matrix, focus string) (code int, why string) {
	if len(m.Kernels) != 1 {
		return BisectAbort, fmt.Sprintf("a bisection step judges one kernel, the run had %d", len(m.Kernels))
	}
	kr := m.Kernels[0]
	if boot := m.Cell(kr, BootRow); boot.Result == MISS {
		return BisectSkip, "the kernel did not boot (MISS): " + boot.Reason
	}
	count := map[Result][]string{}
	for _, r := range m.Rows {
		if r.Key() != BootRow.Key() && globMatch(focus, r.Key()) {
			c := m.Cell(kr, r)
			count[c.Result] = append(count[c.Result], r.Key())
		}
	}
	var missing []string
	for _, a := range sortedKeys(kr.SuiteMiss) {
		if len(focusSuites([]string{a}, focus)) > 0 {
			missing = append(missing, a+": "+kr.SuiteMiss[a])
		}
	}
	switch {
	case len(count[FAIL])+len(count[TIMEOUT]) > 0:
		return BisectBad, "bad: " + strings.Join(append(count[FAIL], count[TIMEOUT]...), "; ")
	case len(count[MISS]) > 0 || len(missing) > 0:
		return BisectSkip, "MISS: " + strings.Join(append(count[MISS], missing...), "; ")
	case len(count) == 0:
		return BisectAbort, fmt.Sprintf("no spec matches %q (a glob over \"<suite>: <full spec text>\", as in matrix.txt)", focus)
	case len(count[PASS]) == 0:
		return BisectSkip, "nothing judged: every focused spec skipped: " + strings.Join(count[SKIP], "; ")
	}
	return BisectGood, fmt.Sprintf("good: %d PASS, %d SKIP", len(count[PASS]), len(count[SKIP]))
}

// BisectErrorCode is the exit code of a bisection step whose run ended in
// err: a kernel that did not build is this commit's problem (skip it);
// anything else is the harness's, and must stop the bisection.
func BisectErrorCode(err error) int {
	var be *KernelBuildError
	if errors.As(err, &be) {
		return BisectSkip
	}
	return BisectAbort
}
