package main

import (
	"fmt"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/selftests"
)

// ltpTests are LTP's pidfd tests (testcases/kernel/syscalls: pidfd_open,
// pidfd_send_signal, pidfd_getfd, ioctl/ioctl_pidfd).
var ltpTests = []string{
	"ioctl_pidfd01", "ioctl_pidfd02", "ioctl_pidfd03", "ioctl_pidfd04", "ioctl_pidfd05", "ioctl_pidfd06",
	"pidfd_getfd01", "pidfd_getfd02",
	"pidfd_open01", "pidfd_open02", "pidfd_open03", "pidfd_open04",
	"pidfd_send_signal01", "pidfd_send_signal02", "pidfd_send_signal03",
}

// coverage is the catalogue's opening section: how many of the newest
// kernel selftests' cases and of LTP's pidfd tests some spec mirrors, and
// which not.
func coverage(entries []Entry) string {
	cases, programs := selftests.CapturedCases()
	var citedCases []string
	citedLTP := map[string]bool{}
	for _, e := range entries {
		for _, r := range e.Refs {
			switch r.Kind {
			case "selftest":
				citedCases = append(citedCases, selftests.CaseID(r.Program, r.Case))
			case "ltp":
				citedLTP[r.Program] = true
			}
		}
	}
	var missingCases, missingLTP []string
	for _, c := range cases {
		if !citedByAny(citedCases, c) {
			missingCases = append(missingCases, c)
		}
	}
	for _, t := range ltpTests {
		if !citedLTP[t] {
			missingLTP = append(missingLTP, t)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Coverage\n\n- The kernel's pidfd selftests of v%s (%d programs, %d cases): %d cases mirrored by at least one spec.\n",
		selftests.CapturedVersion, programs, len(cases), len(cases)-len(missingCases))
	for _, c := range missingCases {
		fmt.Fprintf(&b, "  - not mirrored: `%s`\n", c)
	}
	fmt.Fprintf(&b, "- LTP's pidfd tests (%d): %d mirrored.\n", len(ltpTests), len(ltpTests)-len(missingLTP))
	for _, t := range missingLTP {
		fmt.Fprintf(&b, "  - not mirrored: `%s`\n", t)
	}
	if n := reliedOn(entries); n > 0 {
		fmt.Fprintf(&b, "- Contracts that real software relies on: %d specs name that software (*Relied on by:* in their behaviour).\n", n)
	}
	return b.String()
}

func citedByAny(cited []string, id string) bool {
	for _, c := range cited {
		if selftests.Cites(c, id) {
			return true
		}
	}
	return false
}

// reliedOn counts the specs that name the software relying on them.
func reliedOn(entries []Entry) int {
	n := 0
	for _, e := range entries {
		if len(e.ReliedOnBy) > 0 {
			n++
		}
	}
	return n
}
