package selftests

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"
)

// CaseResult is the outcome of one case, in kselftest's words.
type CaseResult string

const (
	Pass  CaseResult = "PASS"
	Fail  CaseResult = "FAIL"
	Skip  CaseResult = "SKIP"
	XFail CaseResult = "XFAIL" // failed, as the test expected
	XPass CaseResult = "XPASS" // passed, although the test expected a failure
)

// Case is one result line of a selftest program.
type Case struct {
	ID     string     `json:"id"`   // "<program>.c <name>", the form Mirrors lines cite
	Name   string     `json:"name"` // see caseName
	Result CaseResult `json:"verdict"`
	Reason string     `json:"reason,omitempty"` // the skip reason or failure diagnostic
}

// Output is what parsing one program's KTAP output found.
type Output struct {
	Program string `json:"program"`
	Cases   []Case `json:"cases"`
	Planned int    `json:"planned"`        // the "1..N" plan; -1 when none was printed
	Skip    string `json:"skip,omitempty"` // "1..0 # SKIP reason": the whole program skipped
	Bail    string `json:"bail,omitempty"` // "Bail out! msg": the program gave up
}

var (
	resultLine = regexp.MustCompile(`^(ok|not ok) (\d+)(.*)$`)
	planLine   = regexp.MustCompile(`^1\.\.(\d+)(?:\s*#\s*SKIP\s*(.*))?$`)
	// The harness announces each case before running it; the 6.1 harness
	// prints a skipped case's result line without its name, so the name
	// comes from here.
	runLine = regexp.MustCompile(`^#\s+RUN\s+(\S+) \.\.\.$`)
)

// ParseKTAP reads the KTAP (TAP 13) output of one pidfd selftest program:
// plain kselftest.h programs (pidfd_test, pidfd_open_test, ...) and
// kselftest_harness.h programs alike, in the formats of 6.1 through 7.x.
func ParseKTAP(program string, out []byte) Output {
	o := Output{Program: program, Planned: -1}
	running := ""
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if m := runLine.FindStringSubmatch(line); m != nil {
			running = m[1]
			continue
		}
		if m := planLine.FindStringSubmatch(line); m != nil {
			o.Planned, _ = strconv.Atoi(m[1])
			if o.Planned == 0 {
				o.Skip = strings.TrimSpace(m[2])
			}
			continue
		}
		if msg, ok := strings.CutPrefix(line, "Bail out!"); ok {
			o.Bail = strings.TrimSpace(msg)
			continue
		}
		m := resultLine.FindStringSubmatch(line)
		if m == nil || seen[m[2]] {
			// A result number seen before is a copy: a child forked with
			// the program's stdio buffer unflushed (stdout is a pipe, fully
			// buffered) writes that buffer again when it exits. 6.1's
			// pidfd_test does so from thousands of children.
			continue
		}
		seen[m[2]] = true
		c := parseResult(m[1] == "ok", m[3], running)
		c.ID = CaseID(program, c.Name)
		o.Cases = append(o.Cases, c)
		running = ""
	}
	o.addBailedCase()
	return o
}

// parseResult reads what follows "ok N": " name", " name # SKIP reason",
// " name #  diagnostic" (6.12+ harness failures), " # SKIP reason" (6.1
// harness and plain ksft_test_result_skip: no name) or " # error msg".
func parseResult(ok bool, rest, running string) Case {
	desc, directive, _ := strings.Cut(rest, "#")
	desc = strings.TrimSpace(desc)
	directive = strings.TrimSpace(directive)
	word, reason, _ := strings.Cut(directive, " ")
	c := Case{Result: Fail}
	if ok {
		c.Result = Pass
	}
	switch strings.ToUpper(word) {
	case "SKIP":
		c.Result, c.Reason = Skip, strings.TrimSpace(reason)
	case "XFAIL":
		c.Result, c.Reason = XFail, strings.TrimSpace(reason)
	case "XPASS":
		c.Result, c.Reason = XPass, strings.TrimSpace(reason)
	case "ERROR":
		c.Result, c.Reason = Fail, strings.TrimSpace(reason)
	default:
		c.Reason = directive
	}
	switch {
	case desc != "":
		c.Name = caseName(desc)
	case running != "":
		c.Name = running
	default:
		// A plain program's nameless skip: its message names the case
		// ("<case> test: <why>").
		c.Name = caseName(c.Reason)
	}
	return c
}

// addBailedCase turns "Bail out! <case> test: <why>" into a FAIL of that
// case: plain kselftest programs (pidfd_test) give up with
// ksft_exit_fail_msg in the middle of a case, which then prints no result
// line of its own.
func (o *Output) addBailedCase() {
	if o.Bail == "" {
		return
	}
	name, _, found := strings.Cut(o.Bail, " test:")
	if !found {
		return
	}
	name = strings.TrimSpace(name)
	for _, c := range o.Cases {
		if c.Name == name {
			return
		}
	}
	o.Cases = append(o.Cases, Case{ID: CaseID(o.Program, name), Name: name, Result: Fail, Reason: o.Bail})
}
