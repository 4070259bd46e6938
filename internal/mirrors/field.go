package mirrors

import (
	"regexp"
	"strings"
)

// A Field is one metadata field of the comment block above a spec
// (Behavior, Mirrors, Since, or the optional Relied on by): its first line and the continuation lines
// below it, which have the same indentation before "//" and whose text
// starts exactly at the column where the field's value starts.
type Field struct {
	Name  string // Behavior, Mirrors, Since or Relied on by
	Value string // the lines' text joined by single spaces
	// First and Last are the indexes of its first and last line.
	First, Last int
	// Indent is the white space before "//"; Column is where the value
	// starts, counted from just after "//".
	Indent string
	Column int
}

var (
	fieldLine        = regexp.MustCompile(`^(\s*)(//\s*(Behavior|Mirrors|Since|Relied on by):\s*)(.*)$`)
	continuationLine = regexp.MustCompile(`^(\s*)//( +)(\S.*)$`)
)

// ReadField reads the field whose first line is lines[i], with its
// continuation lines; ok is false when lines[i] starts no field.
func ReadField(lines []string, i int) (f Field, ok bool) {
	m := fieldLine.FindStringSubmatch(lines[i])
	if m == nil {
		return Field{}, false
	}
	f = Field{Name: m[3], Value: strings.TrimSpace(m[4]), First: i, Last: i, Indent: m[1], Column: len(m[2]) - len("//")}
	for n := i + 1; n < len(lines) && !fieldLine.MatchString(lines[n]); n++ {
		c := continuationLine.FindStringSubmatch(lines[n])
		if c == nil || c[1] != f.Indent || len(c[2]) != f.Column {
			break
		}
		f.Value += " " + strings.TrimSpace(c[3])
		f.Last = n
	}
	return f, true
}
