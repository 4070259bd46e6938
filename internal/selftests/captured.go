package selftests

import (
	"embed"
	"path"
	"sort"
	"strings"
)

// The output of the newest captured selftests (Debian's linux-source-7.3,
// 13 programs): the reference for the catalogue's coverage count.
//
//go:embed testdata/7.3/*.tap
var captured embed.FS

// CapturedVersion is the kernel version of CapturedCases.
const CapturedVersion = "7.3"

// CapturedCases are the CaseIDs of every case the captured selftests
// report, each once, sorted, and the number of programs.
func CapturedCases() (ids []string, programs int) {
	files, _ := captured.ReadDir("testdata/7.3")
	seen := map[string]bool{}
	for _, f := range files {
		data, err := captured.ReadFile(path.Join("testdata/7.3", f.Name()))
		if err != nil {
			continue
		}
		programs++
		for _, c := range ParseKTAP(strings.TrimSuffix(f.Name(), ".tap"), data).Cases {
			if !seen[c.ID] {
				seen[c.ID] = true
				ids = append(ids, c.ID)
			}
		}
	}
	sort.Strings(ids)
	return ids, programs
}
