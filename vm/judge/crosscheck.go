package judge

import (
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/selftests"
)

// disagreesNote starts a Mirrors note, or a clause of one after "; ", that
// explains why the cited selftest case and the spec disagree (a selftest
// bug, with the kernel source line): "(here the leader exits alone first;
// disagrees: ...)" explains as "(disagrees: ...)" does.
const disagreesNote = "disagrees: "

// disagreement is the explanation in a Mirrors note, if it has one.
func disagreement(note string) (string, bool) {
	if why, ok := strings.CutPrefix(note, disagreesNote); ok {
		return why, true
	}
	if _, why, ok := strings.Cut(note, "; "+disagreesNote); ok {
		return why, true
	}
	return "", false
}

// mirrors maps each spec's row key ("<area>: <text>") to the selftest
// cases its Mirrors line cites, and each case to the note that explains a
// disagreement with it.
func (c Catalogue) mirrors() (cited map[string][]string, explained map[string]string) {
	cited, explained = map[string][]string{}, map[string]string{}
	for _, e := range c {
		cited[e.key()] = selftests.ParseMirrors(e.Mirrors)
		for _, r := range e.Refs {
			if note, ok := disagreement(r.Note); ok && r.Kind == "selftest" {
				explained[selftests.CaseID(r.Program, r.Case)] = note
			}
		}
	}
	return cited, explained
}

// CrossCheck compares each kernel's selftest results with our verdicts on
// the specs that mirror them.
func (c Catalogue) CrossCheck(runs []*KernelRun) {
	cited, explained := c.mirrors()
	for _, kr := range runs {
		if len(kr.Selftests) == 0 {
			continue
		}
		var outputs []selftests.Output
		for _, r := range kr.Selftests {
			outputs = append(outputs, r.Output)
		}
		kr.CrossCheck = selftests.CrossCheck(outputs, mirroringSpecs(kr, cited))
		selftests.Explain(kr.CrossCheck, explained)
	}
}

// mirroringSpecs is every spec with a verdict on kr that cites a case.
func mirroringSpecs(kr *KernelRun, mirrors map[string][]string) []selftests.Spec {
	var specs []selftests.Spec
	for _, r := range kr.Rows {
		cited := mirrors[r.Key()]
		if len(cited) == 0 {
			continue
		}
		if v, ok := selftestVerdict(kr.Cells[r.Key()].Result); ok {
			specs = append(specs, selftests.Spec{Text: r.Key(), Verdict: v, Mirrors: cited})
		}
	}
	return specs
}

// selftestVerdict says our result in the selftests' words; a MISS says
// nothing about the behaviour, and a known failure (XFAIL) compares
// nothing, as the selftests' own XFAIL does not.
func selftestVerdict(r Verdict) (selftests.CaseResult, bool) {
	switch r {
	case PASS, XPASS:
		return selftests.Pass, true
	case FAIL, TIMEOUT:
		return selftests.Fail, true
	case SKIP:
		return selftests.Skip, true
	case XFAIL:
		return selftests.XFail, true
	}
	return "", false
}

// SelftestCounts sums a kernel's selftest cases by verdict.
func SelftestCounts(kr *KernelRun) map[selftests.CaseResult]int {
	counts := map[selftests.CaseResult]int{}
	for _, r := range kr.Selftests {
		for _, c := range r.Cases {
			counts[c.Result]++
		}
	}
	return counts
}
