package selftests

import (
	"sort"
)

// Spec is one of our specs' results on a kernel, with the selftest cases
// its Mirrors line cites (CaseIDs, see ParseMirrors).
type Spec struct {
	Text    string     `json:"text"`
	Verdict CaseResult `json:"verdict"` // Pass, Fail or Skip
	Mirrors []string   `json:"mirrors"`
}

// Status is how a selftest case and the specs that mirror it compare.
type Status string

const (
	// Disagree: the selftest passes and a mirroring spec fails, or the
	// reverse. Either our bug or the selftest's.
	Disagree Status = "DISAGREE"
	// Explained: a disagreement that a mirroring spec's Mirrors note
	// explains ("disagrees: ..."), with the kernel source that decides it.
	Explained Status = "EXPLAINED"
	// Agree: every mirroring spec with a verdict has the selftest's.
	Agree Status = "AGREE"
	// Skipped: the selftest or every mirroring spec skipped (or the
	// selftest expected its failure): nothing to compare, but listed.
	Skipped Status = "SKIPPED"
	// NotRun: specs cite a case that no selftest reported on this kernel
	// (its program did not build, or this version has no such case).
	NotRun Status = "NOT RUN"
	// Unmirrored: a selftest case no spec cites.
	Unmirrored Status = "UNMIRRORED"
)

// Row is one selftest case beside the specs that mirror it.
type Row struct {
	Case     string     `json:"case"`     // the selftest's CaseID (or the cited one, for NotRun)
	Selftest CaseResult `json:"selftest"` // empty for NotRun
	Reason   string     `json:"reason,omitempty"`
	Specs    []Spec     `json:"specs"`
	Status   Status     `json:"status"`
	// Explanation is the note that explains a disagreement.
	Explanation string `json:"explanation,omitempty"`
}

// CrossCheck compares every selftest case with the specs whose Mirrors
// cite it. Rows come disagreements first, then not-run citations, skips,
// agreements and unmirrored cases, each group in case order.
func CrossCheck(results []Output, specs []Spec) []Row {
	var rows []Row
	cited := map[string]bool{}
	for _, o := range results {
		for _, c := range o.Cases {
			row := Row{Case: c.ID, Selftest: c.Result, Reason: c.Reason}
			for _, s := range specs {
				for _, m := range s.Mirrors {
					if Cites(m, c.ID) {
						row.Specs = append(row.Specs, s)
						cited[m] = true
						break
					}
				}
			}
			row.Status = compare(c.Result, row.Specs)
			rows = append(rows, row)
		}
	}
	rows = append(rows, notRun(specs, cited)...)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Status != rows[j].Status {
			return statusOrder[rows[i].Status] < statusOrder[rows[j].Status]
		}
		return rows[i].Case < rows[j].Case
	})
	return rows
}

var statusOrder = map[Status]int{Disagree: 0, Explained: 1, NotRun: 2, Skipped: 3, Agree: 4, Unmirrored: 5}

func compare(selftest CaseResult, specs []Spec) Status {
	if len(specs) == 0 {
		return Unmirrored
	}
	st, ok := outcome(selftest)
	if !ok {
		return Skipped
	}
	compared := false
	for _, s := range specs {
		if ours, ok := outcome(s.Verdict); ok {
			compared = true
			if ours != st {
				return Disagree
			}
		}
	}
	if !compared {
		return Skipped
	}
	return Agree
}

// outcome says whether a verdict passed; ok is false for verdicts that say
// nothing about the kernel (SKIP, and XFAIL, a failure the test expected).
func outcome(v CaseResult) (passed, ok bool) {
	switch v {
	case Pass, XPass:
		return true, true
	case Fail:
		return false, true
	}
	return false, false
}

// notRun lists the cited cases no selftest reported, one row per citation.
func notRun(specs []Spec, reported map[string]bool) []Row {
	byCase := map[string][]Spec{}
	for _, s := range specs {
		for _, m := range s.Mirrors {
			if !reported[m] {
				byCase[m] = append(byCase[m], s)
			}
		}
	}
	var rows []Row
	for c, ss := range byCase {
		rows = append(rows, Row{Case: c, Specs: ss, Status: NotRun})
	}
	return rows
}

// Explain turns each disagreement whose case has an explanation into an
// explained one.
func Explain(rows []Row, explanations map[string]string) {
	for i, r := range rows {
		if why, ok := explanations[r.Case]; ok && r.Status == Disagree {
			rows[i].Status, rows[i].Explanation = Explained, why
		}
	}
}

// Disagreements are the rows that need an explanation.
func Disagreements(rows []Row) []Row { return WithStatus(rows, Disagree) }

// WithStatus is the rows of one status, in order.
func WithStatus(rows []Row, status Status) []Row {
	var out []Row
	for _, r := range rows {
		if r.Status == status {
			out = append(out, r)
		}
	}
	return out
}
