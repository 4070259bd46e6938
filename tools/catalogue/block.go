package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/mirrors"
)

// MaxColumns bounds every line of a metadata block, tabs counted to the
// next multiple of 8 as gofmt aligns them: a longer field wraps onto
// continuation lines.
const MaxColumns = 120

// fields are the metadata of a spec, in the order a block lists them.
var fieldNames = []string{"Behavior", "Mirrors", "Since"}

var (
	// A spec's block may sit above its table rather than its entry, but
	// never above another It: that block belongs to the other spec.
	otherLeaf = regexp.MustCompile(`^\s*It\(`)
	tableLine = regexp.MustCompile(`^\s*DescribeTable\(`)
)

// A metaBlock is the comment block above a spec.
type metaBlock struct {
	// values of the fields, each a field line and its continuation lines
	// joined by one space.
	values map[string]string
	// span is where each field is: its first and last line (0-based).
	span map[string][2]int
	// indent and column: the comment's leading white space and where
	// values start after "//", for wrapping.
	indent string
	column map[string]int
	// aboveTable: the block sits above a DescribeTable, so it covers all
	// its entries and not one entry's text.
	aboveTable bool
}

// metadataAbove finds the nearest comment block with Behavior/Mirrors/Since
// at or above the spec's line (1-based). Without one, values is empty.
func metadataAbove(lines []string, line int) metaBlock {
	for i := line - 2; i >= 0; i-- {
		if _, ok := mirrors.ReadField(lines, i); ok {
			return blockAround(lines, i)
		}
		if i < line-1 && otherLeaf.MatchString(lines[i]) {
			break
		}
	}
	return metaBlock{values: map[string]string{}}
}

// blockAround reads the contiguous comment block containing line i
// (0-based): its fields, each with its continuation lines (the grammar is
// internal/mirrors' ReadField).
func blockAround(lines []string, i int) metaBlock {
	start, end := i, i
	for start > 0 && strings.HasPrefix(strings.TrimSpace(lines[start-1]), "//") {
		start--
	}
	for end+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[end+1]), "//") {
		end++
	}
	b := metaBlock{values: map[string]string{}, span: map[string][2]int{}, column: map[string]int{}}
	for n := start; n <= end; n++ {
		if f, ok := mirrors.ReadField(lines, n); ok {
			b.values[f.Name], b.span[f.Name] = f.Value, [2]int{f.First, f.Last}
			b.indent, b.column[f.Name] = f.Indent, f.Column
			n = f.Last
		}
	}
	b.aboveTable = end+1 < len(lines) && tableLine.MatchString(lines[end+1])
	return b
}

// columns is the width of line with tabs at every 8th column.
func columns(line string) int {
	w := 0
	for _, r := range line {
		if r == '\t' {
			w += 8 - w%8
		} else {
			w++
		}
	}
	return w
}

// tooWide lists the fields of the block with a line wider than
// MaxColumns, with the first such line (0-based).
func (b metaBlock) tooWide(lines []string) (fields []string, at []int) {
	for _, f := range fieldNames {
		sp, ok := b.span[f]
		if !ok {
			continue
		}
		for n := sp[0]; n <= sp[1]; n++ {
			if columns(lines[n]) > MaxColumns {
				fields, at = append(fields, f), append(at, n)
				break
			}
		}
	}
	return fields, at
}

// widthProblems names each field of the block with a line wider than
// MaxColumns (file is the spec's file, for the message) and how it wraps.
func (b metaBlock) widthProblems(file string, lines []string) []string {
	var problems []string
	fields, at := b.tooWide(lines)
	for i, f := range fields {
		problems = append(problems, fmt.Sprintf("%s:%d: the %s line is %d columns wide, at most %d (tabs to multiples of 8); wrap it at spaces onto lines that start at its value's column (or run `go run ./tools/catalogue -wrap suites`):\n%s",
			file, at[i]+1, f, columns(lines[at[i]]), MaxColumns, strings.Join(b.wrapped(f), "\n")))
	}
	return problems
}

// wrapped is field f of the block as lines no wider than MaxColumns
// (unless one word is): the field line, then continuation lines. The
// lines are balanced: as few as MaxColumns allows, each as narrow as that
// number of lines allows, so no line holds a lone word.
func (b metaBlock) wrapped(f string) []string {
	first := b.indent + "// " + f + ":" + strings.Repeat(" ", max(1, b.column[f]-len(" "+f+":")))
	next := b.indent + "//" + strings.Repeat(" ", b.column[f])
	words := strings.Fields(b.values[f])
	fewest := len(fill(first, next, words, MaxColumns))
	for width := columns(first); width < MaxColumns; width++ {
		if lines := fill(first, next, words, width); len(lines) == fewest {
			return lines
		}
	}
	return fill(first, next, words, MaxColumns)
}

// fill puts words onto lines of at most width columns (a longer word gets
// a line of its own), the first line starting with first and the others
// with next.
func fill(first, next string, words []string, width int) []string {
	var out []string
	line, empty := first, true
	for _, w := range words {
		if !empty && columns(line+" "+w) > width {
			out = append(out, line)
			line, empty = next, true
		}
		if empty {
			line += w
		} else {
			line += " " + w
		}
		empty = false
	}
	return append(out, line)
}
