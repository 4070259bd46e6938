// Package area declares a suite file's top-level container in the area of
// that file (suites/<area>/). A program that links every suite
// (cmd/pidfdconf-suites) runs one area per process; there the other areas'
// containers stay empty, so Ginkgo builds one area's spec tree instead of
// all of them: building and ordering the whole tree was most of a suite's
// start under TCG.
package area

import (
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2"
)

var only []string

// topLabels are the labels of each area's top-level containers.
var topLabels = map[string]map[string]bool{}

// TopLevelLabels are the labels Describe gave area's top-level containers,
// each once, sorted: at hand before RunSpecs, while a nested container's
// labels only come into being as Ginkgo builds the tree inside it.
func TopLevelLabels(area string) []string { return slices.Sorted(maps.Keys(topLabels[area])) }

// Only makes the program build the containers of the named areas alone;
// call it before RunSpecs. Until then every area's are built.
func Only(names ...string) { only = names }

// Of is the area of a spec file: the directory below suites/, "" for a
// file outside it.
func Of(file string) string {
	dir := filepath.ToSlash(filepath.Dir(file))
	parent, name := filepath.Split(dir)
	if !strings.HasSuffix(parent, "/suites/") && parent != "suites/" {
		return ""
	}
	return name
}

// Describe is Ginkgo's Describe for a suite file's top-level container,
// whose body runs only when the program builds the file's area.
func Describe(text string, args ...any) bool {
	_, file, _, _ := runtime.Caller(1)
	mine := Of(file)
	for _, a := range args {
		if labels, ok := a.(ginkgo.Labels); ok {
			if topLabels[mine] == nil {
				topLabels[mine] = map[string]bool{}
			}
			for _, l := range labels {
				topLabels[mine][l] = true
			}
		}
	}
	if n := len(args); n > 0 {
		if body, ok := args[n-1].(func()); ok {
			args = slices.Clone(args)
			args[n-1] = func() {
				if only == nil || slices.Contains(only, mine) {
					body()
				}
			}
		}
	}
	// Offset(1): the container's location is the suite file's line, not
	// this function's.
	return ginkgo.Describe(text, append(args, ginkgo.Offset(1))...)
}
