package suiterun

import "slices"

// longestFirst are the suites that take longest, under TCG (Debian 6.1,
// 6.12 and 7.3.4) as natively: started first, they leave no core idle at
// the end while one of them still runs. Natively, in name order, signal
// started last and ran alone for its last second; under TCG getfd and mm
// (1.3-2.6 s each) started after the three short ones and ended the run.
// A stale guess costs time, never a result.
var longestFirst = []string{"signal", "pidfs", "clone", "open", "poll", "setns", "getfd", "mm"}

// LongestFirst is suites with longestFirst's at the front, the rest in
// their given order: the order to start suites that run side by side.
func LongestFirst(suites []string) []string {
	order := slices.Clone(suites)
	rank := func(s string) int {
		if i := slices.Index(longestFirst, s); i >= 0 {
			return i
		}
		return len(longestFirst)
	}
	slices.SortStableFunc(order, func(a, b string) int { return rank(a) - rank(b) })
	return order
}
