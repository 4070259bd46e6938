package vm

import (
	_ "embed"
	"fmt"
	"strings"
)

// expectationsText is vm/expectations.txt: known failures, so a known kernel
// bug reads XFAIL(id) and a fixed one XPASS(id) instead of FAIL/PASS.
//
//go:embed expectations.txt
var expectationsText string

// Expectation names a spec expected to fail on some kernels.
type Expectation struct {
	Kernel string // glob over the kernel's column name, spec or release
	Spec   string // glob over "<suite>: <full spec text>"
	ID     string // bug or issue reference shown in the report
}

// ParseExpectations reads lines "kernel-glob | spec-glob | id"; '#' starts a
// comment. '*' is the only wildcard, so spec texts need no escaping.
func ParseExpectations(text string) ([]Expectation, error) {
	var exps []Expectation
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, "|")
		if len(f) != 3 {
			return nil, setupErrorf("vm/expectations.txt line %d: want \"kernel-glob | spec-glob | id\", got %q", i+1, l)
		}
		e := Expectation{Kernel: strings.TrimSpace(f[0]), Spec: strings.TrimSpace(f[1]), ID: strings.TrimSpace(f[2])}
		if e.Kernel == "" || e.Spec == "" || e.ID == "" {
			return nil, setupErrorf("vm/expectations.txt line %d: empty field in %q", i+1, l)
		}
		exps = append(exps, e)
	}
	return exps, nil
}

// DefaultExpectations parses the embedded vm/expectations.txt.
func DefaultExpectations() ([]Expectation, error) { return ParseExpectations(expectationsText) }

// globMatch matches s against a pattern whose only wildcard is '*'.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

func (e Expectation) matchesKernel(kr *KernelRun) bool {
	names := []string{kr.Kernel.Name, kr.Kernel.Spec.Raw}
	if kr.Info != nil {
		names = append(names, kr.Info.Release)
	} else if kr.Kernel.Spec.Kind == KindHost {
		names = append(names, hostRelease())
	}
	for _, n := range names {
		if globMatch(e.Kernel, n) {
			return true
		}
	}
	return false
}

// ApplyExpectations turns expected FAILs into XFAIL(id) and their passes
// into XPASS(id).
func ApplyExpectations(kr *KernelRun, exps []Expectation) {
	for _, e := range exps {
		if !e.matchesKernel(kr) {
			continue
		}
		for key, c := range kr.Cells {
			if !globMatch(e.Spec, key) {
				continue
			}
			switch c.Result {
			case FAIL:
				c.Result, c.ID = XFAIL, e.ID
			case PASS:
				c.Result, c.ID = XPASS, e.ID
				c.Reason = fmt.Sprintf("expected to fail (%s) but passed: the expectation is stale", e.ID)
			default:
				continue
			}
			kr.Cells[key] = c
		}
	}
}
