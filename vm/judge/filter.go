package judge

import (
	"slices"
	"strings"
)

// Filter is the one way to say which specs a run is about (a bisection
// step's focus, a mutant's expected killers): globs over a row's Key,
// "<suite>: <full spec text>", whose only wildcard is '*'. An empty
// Filter is every spec.
type Filter []string

// Suites keeps the areas that can hold a matching spec, in areas' order,
// so a run builds and boots only those: the literal text before a glob's
// first '*' either names the suite or is a prefix of suite names.
func (f Filter) Suites(areas []string) []string {
	if len(f) == 0 {
		return areas
	}
	var keep []string
	for _, a := range areas {
		if slices.ContainsFunc(f, func(glob string) bool {
			literal, _, _ := strings.Cut(glob, "*")
			return strings.HasPrefix(a+": ", literal) || strings.HasPrefix(literal, a+": ")
		}) {
			keep = append(keep, a)
		}
	}
	return keep
}

// Match reports whether r is one of the filter's specs. Runner rows (the
// boot row, LSM independence) are never a spec.
func (f Filter) Match(r Row) bool {
	if r.Suite == "" {
		return false
	}
	return len(f) == 0 || slices.ContainsFunc(f, func(glob string) bool { return Glob(glob, r.Key()) })
}
