package main

import (
	"fmt"
	"regexp"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The catalogue is read by people outside the project: its lines must say
// what they mean, not point at the project's tracker or design notes.
var (
	trackerRef = regexp.MustCompile(`(?i)\bissues?\s*#?\d`)
	sectionRef = regexp.MustCompile(`§`)
	designRef  = regexp.MustCompile(`DESIGN\.md`)
	// An abbreviation stands alone between the separators of a list or a
	// parenthesis: "(ML)", "(asserts failure only, ML)".
	listSeparator = regexp.MustCompile(`[(),;]`)
	abbreviation  = regexp.MustCompile(`^[A-Z]{2,3}$`)
)

// knownShort are short upper-case names a reader knows without a legend:
// the errnos of two or three letters and the words the lines use as names.
var knownShort = map[string]bool{"LTP": true, "LSM": true, "PID": true, "EOF": true}

func init() {
	for e := syscall.Errno(1); e < 200; e++ {
		if n := unix.ErrnoName(e); len(n) <= 3 {
			knownShort[n] = true
		}
	}
}

// lintLine rejects a Behavior, Mirrors or Since line that cites an issue
// number, a section sign or DESIGN.md, or uses an unexplained abbreviation
// such as "(ML)".
func lintLine(field, line string) error {
	switch {
	case trackerRef.MatchString(line):
		return fmt.Errorf("%s cites an issue number; say the rule or kernel commit instead: %q", field, line)
	case sectionRef.MatchString(line):
		return fmt.Errorf("%s cites a § section; say what it holds instead: %q", field, line)
	case designRef.MatchString(line):
		return fmt.Errorf("%s cites DESIGN.md; say the rule instead: %q", field, line)
	}
	for _, part := range listSeparator.Split(line, -1) {
		part = strings.TrimSpace(part)
		if abbreviation.MatchString(part) && !knownShort[part] {
			return fmt.Errorf("%s uses the unexplained abbreviation %q: %q", field, part, line)
		}
	}
	return nil
}
