package judge

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// expectationsText is vm/judge/expectations.txt: known failures, so a known kernel
// bug reads XFAIL(id) and a fixed one XPASS(id) instead of FAIL/PASS.
//
//go:embed expectations.txt
var expectationsText string

// expectationsFile names the embedded file in setup errors.
const expectationsFile = "vm/judge/expectations.txt"

// Expectation names a spec expected to fail on some kernels.
type Expectation struct {
	Kernel string         // glob over the kernel's column name, spec or release; "" when only Range is given
	Range  []versionBound // every bound must hold for the kernel's release
	Spec   string         // glob over "<suite>: <full spec text>"
	ID     string         // bug or issue reference shown in the report
	Reason string         // why, or a URL; optional
	// Until ends the entry: after this date, or on kernels at or above this
	// version, it no longer applies and is listed as expired instead, so a
	// forgotten entry cannot hide a regression for ever.
	Until        string
	untilDate    time.Time
	untilVersion *kernel.KernelVersion
	Source       string // file:line, for the expired list
}

// versionBound is one comparison of a version range such as ">=6.18".
type versionBound struct {
	Op      string
	Version kernel.KernelVersion
}

func (b versionBound) holds(v kernel.KernelVersion) bool {
	switch b.Op {
	case ">=":
		return !v.Less(b.Version)
	case ">":
		return b.Version.Less(v)
	case "<=":
		return !b.Version.Less(v)
	default: // "<"
		return v.Less(b.Version)
	}
}

// boundOps are tried longest first so ">=" is not read as ">".
var boundOps = []string{">=", "<=", ">", "<"}

// plainVersion is what a range or until may name: X.Y or X.Y.Z, nothing
// after it, because a suffix ("6.18-rc1") is not compared and would
// silently mean 6.18.
var plainVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)

// ParseExpectations reads vm/judge/expectations.txt's format (see its header);
// '#' starts a comment.
func ParseExpectations(text string) ([]Expectation, error) {
	return parseExpectations(expectationsFile, text)
}

func parseExpectations(file, text string) ([]Expectation, error) {
	var exps []Expectation
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		e, err := parseExpectation(l)
		if err != nil {
			return nil, setup.Errorf("%s:%d: %v in %q (format: see the header of %s)", file, i+1, err, l, expectationsFile)
		}
		e.Source = fmt.Sprintf("%s:%d", file, i+1)
		exps = append(exps, e)
	}
	return exps, nil
}

// parseExpectation parses "kernel | spec-glob | id [| until X] [| reason TEXT]".
func parseExpectation(line string) (Expectation, error) {
	f := strings.Split(line, "|")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	if len(f) < 3 {
		return Expectation{}, fmt.Errorf("want at least \"kernel | spec-glob | id\"")
	}
	e := Expectation{Spec: f[1], ID: f[2]}
	if e.Spec == "" || e.ID == "" {
		return e, fmt.Errorf("empty spec-glob or id")
	}
	var err error
	if e.Kernel, e.Range, err = parseKernelField(f[0]); err != nil {
		return e, err
	}
	for _, opt := range f[3:] {
		if err := e.setOption(opt); err != nil {
			return e, err
		}
	}
	return e, nil
}

// parseKernelField reads a glob, a version range (">=6.18 <6.18.14"), or
// both ("6.18.*-cloud-amd64 <6.18.14"): every word that starts with a
// comparison is a bound, the one other word the glob.
func parseKernelField(s string) (glob string, bounds []versionBound, err error) {
	for _, w := range strings.Fields(s) {
		op := ""
		for _, o := range boundOps {
			if strings.HasPrefix(w, o) {
				op = o
				break
			}
		}
		if op == "" {
			if glob != "" {
				return "", nil, fmt.Errorf("two kernel globs %q and %q (a version range is >=X.Y <X.Y.Z)", glob, w)
			}
			glob = w
			continue
		}
		v, err := parseVersion(strings.TrimPrefix(w, op))
		if err != nil {
			return "", nil, fmt.Errorf("version range %q: %v", w, err)
		}
		bounds = append(bounds, versionBound{Op: op, Version: v})
	}
	if glob == "" && len(bounds) == 0 {
		return "", nil, fmt.Errorf("empty kernel field (a glob such as 6.1.* or a range such as >=6.18 <6.18.14)")
	}
	return glob, bounds, nil
}

// parseVersion accepts X.Y or X.Y.Z and reads it with the suites' own
// release parser, so a range compares exactly like a feature's Since.
func parseVersion(s string) (kernel.KernelVersion, error) {
	if !plainVersion.MatchString(s) {
		return kernel.KernelVersion{}, fmt.Errorf("%q is not a version X.Y or X.Y.Z", s)
	}
	return kernel.ParseRelease(s)
}

// setOption reads one optional field: "until DATE|VERSION" or "reason TEXT".
func (e *Expectation) setOption(field string) error {
	key, val, _ := strings.Cut(field, " ")
	val = strings.TrimSpace(val)
	switch {
	case key == "until" && e.Until == "" && val != "":
		e.Until = val
		if d, err := time.Parse(time.DateOnly, val); err == nil {
			e.untilDate = d
			return nil
		}
		v, err := parseVersion(val)
		if err != nil {
			return fmt.Errorf("until %q is neither a date YYYY-MM-DD nor a version X.Y[.Z]", val)
		}
		e.untilVersion = &v
	case key == "reason" && e.Reason == "" && val != "":
		e.Reason = val
	default:
		return fmt.Errorf("unknown, repeated or empty field %q: the optional fields are \"until YYYY-MM-DD|X.Y[.Z]\" and \"reason TEXT\"", field)
	}
	return nil
}

// DefaultExpectations parses the embedded vm/judge/expectations.txt.
func DefaultExpectations() ([]Expectation, error) { return ParseExpectations(expectationsText) }

// Glob matches s against a pattern whose only wildcard is '*'.
func Glob(pattern, s string) bool {
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

// kernelRelease is the release kr ran (the guest's uname), "" when
// unknown (a kernel that never reached /init).
func kernelRelease(kr *KernelRun) string {
	if kr.Info != nil {
		return kr.Info.Release
	}
	if kr.Kernel.Spec.Kind == kernels.KindHost {
		return kernels.HostRelease()
	}
	return ""
}

func (e Expectation) matchesKernel(kr *KernelRun) bool {
	release := kernelRelease(kr)
	if len(e.Range) > 0 {
		v, err := kernel.ParseRelease(release)
		if err != nil {
			return false
		}
		for _, b := range e.Range {
			if !b.holds(v) {
				return false
			}
		}
	}
	if e.Kernel == "" {
		return true
	}
	for _, n := range []string{kr.Kernel.Name, kr.Kernel.Spec.Raw, release} {
		if n != "" && Glob(e.Kernel, n) {
			return true
		}
	}
	return false
}

// expired reports whether the entry no longer applies to kr at now.
func (e Expectation) expired(kr *KernelRun, now time.Time) bool {
	if !e.untilDate.IsZero() {
		// The whole day named is still inside the entry's life.
		return !now.Before(e.untilDate.AddDate(0, 0, 1))
	}
	if e.untilVersion != nil {
		v, err := kernel.ParseRelease(kernelRelease(kr))
		return err == nil && !v.Less(*e.untilVersion)
	}
	return false
}

// String is the entry as the expired list shows it.
func (e Expectation) String() string {
	return fmt.Sprintf("%s %s (until %s)", e.Source, e.ID, e.Until)
}

// ApplyExpectations turns expected FAILs into XFAIL(id) and their passes
// into XPASS(id); expired entries are listed on kr instead of applied.
func ApplyExpectations(kr *KernelRun, exps []Expectation) {
	applyExpectations(kr, exps, time.Now())
}

func applyExpectations(kr *KernelRun, exps []Expectation, now time.Time) {
	for _, e := range exps {
		if !e.matchesKernel(kr) {
			continue
		}
		if e.expired(kr, now) {
			kr.ExpiredExpectations = append(kr.ExpiredExpectations, e.String())
			continue
		}
		for key, c := range kr.Cells {
			if !Glob(e.Spec, key) {
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
