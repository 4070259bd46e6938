package selftests

import (
	"fmt"
	"io"
)

// WriteReport prints the rows of CrossCheck for one kernel, disagreements
// first (CrossCheck's order), one line per case and one indented line per
// mirroring spec, and ends with the count of each status.
func WriteReport(w io.Writer, kernel string, rows []Row) {
	counts := map[Status]int{}
	fmt.Fprintf(w, "selftests cross-check on %s\n", kernel)
	for _, r := range rows {
		counts[r.Status]++
		if r.Status == Unmirrored {
			continue
		}
		selftest := string(r.Selftest)
		if selftest == "" {
			selftest = "-"
		}
		fmt.Fprintf(w, "  %-10s %-5s %s", r.Status, selftest, r.Case)
		if r.Reason != "" {
			fmt.Fprintf(w, " (%s)", r.Reason)
		}
		fmt.Fprintln(w)
		for _, s := range r.Specs {
			fmt.Fprintf(w, "      %-5s %s\n", s.Verdict, s.Text)
		}
		if r.Explanation != "" {
			fmt.Fprintf(w, "      why: %s\n", r.Explanation)
		}
	}
	fmt.Fprintf(w, "  %d disagree, %d explained, %d not run, %d skipped, %d agree, %d selftest cases unmirrored\n",
		counts[Disagree], counts[Explained], counts[NotRun], counts[Skipped], counts[Agree], counts[Unmirrored])
}
