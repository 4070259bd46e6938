package mutants

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Sources are the linux-source versions a stanza of the list is written
// against (its source: line); nil means every source.
type Sources []SourceRange

// SourceRange is one X.Y, or X.Y and every newer source ("7.3+").
type SourceRange struct {
	Major, Minor int
	AndNewer     bool
}

var sourceWord = regexp.MustCompile(`^([0-9]+)\.([0-9]+)(\+?)$`)

// ParseSources reads a source: value, "6.12", "7.3+" or "6.12 7.3".
func ParseSources(value string) (Sources, error) {
	words := strings.Fields(value)
	if len(words) == 0 {
		return nil, fmt.Errorf("source: name a linux-source X.Y, X.Y+ for it and every newer one, or a list of them")
	}
	var s Sources
	for _, w := range words {
		m := sourceWord.FindStringSubmatch(w)
		if m == nil {
			return nil, fmt.Errorf("source: %q is not X.Y or X.Y+ (e.g. 6.12, 7.3+)", w)
		}
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		s = append(s, SourceRange{Major: major, Minor: minor, AndNewer: m[3] == "+"})
	}
	return s, nil
}

// Includes reports whether linux-source xy ("7.3") is one of s; an xy
// that is not X.Y matches only a stanza without source:.
func (s Sources) Includes(xy string) bool {
	if s == nil {
		return true
	}
	m := sourceWord.FindStringSubmatch(xy)
	if m == nil || m[3] != "" {
		return false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	for _, r := range s {
		if r.covers(major, minor) {
			return true
		}
	}
	return false
}

func (r SourceRange) covers(major, minor int) bool {
	if r.AndNewer {
		return major > r.Major || major == r.Major && minor >= r.Minor
	}
	return major == r.Major && minor == r.Minor
}

// Overlaps reports whether some source is in both s and o.
func (s Sources) Overlaps(o Sources) bool {
	if s == nil || o == nil {
		return true
	}
	for _, a := range s {
		for _, b := range o {
			// The newer of the two starting points is in both when each
			// range covers it.
			major, minor := a.Major, a.Minor
			if b.Major > major || b.Major == major && b.Minor > minor {
				major, minor = b.Major, b.Minor
			}
			if a.covers(major, minor) && b.covers(major, minor) {
				return true
			}
		}
	}
	return false
}

func (s Sources) String() string {
	if s == nil {
		return "every source"
	}
	var words []string
	for _, r := range s {
		w := fmt.Sprintf("%d.%d", r.Major, r.Minor)
		if r.AndNewer {
			w += "+"
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

// sourceXY is the X.Y of a linux-source package description, as
// kernels names it ("linux-source-7.3 7.3.4-1~bpo13+1" → "7.3").
func sourceXY(source string) (string, error) {
	pkg, _, _ := strings.Cut(source, " ")
	xy, ok := strings.CutPrefix(pkg, "linux-source-")
	if !ok || !sourceWord.MatchString(xy) || strings.HasSuffix(xy, "+") {
		return "", fmt.Errorf("%q does not name a linux-source-X.Y package", source)
	}
	return xy, nil
}
