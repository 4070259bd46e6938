// Package format is how values read in the runner's logs and reports:
// durations, reasons squeezed onto one line, console tails without terminal
// control sequences, output kept to a bound. Every stage may use it; it
// imports nothing of vm/.
package format

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"
)

// Duration is d in seconds with one decimal, as every report prints it.
func Duration(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }

// OneLine squeezes a multi-line message (Gomega's) into one line.
func OneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Truncate cuts s to at most n bytes, marking the cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// Or is s, or d when s is empty.
func Or(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// Tail returns the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// ConsoleTailBytes is enough for 25 console lines of any sane length.
const ConsoleTailBytes = 64 << 10

// ReadTail returns at most the last n bytes of the file at path ("" when
// it cannot be read).
func ReadTail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	off := max(st.Size()-n, 0)
	buf := make([]byte, st.Size()-off)
	k, _ := f.ReadAt(buf, off)
	return string(buf[:k])
}

// ansiEscape matches terminal control sequences (SeaBIOS clears the screen).
var ansiEscape = regexp.MustCompile(`\x1b(\[[0-9;?]*[ -/]*[@-~]|[@-_]|c)`)

// Printable drops control sequences so a console tail reads cleanly anywhere.
func Printable(s string) string {
	s = ansiEscape.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if r < ' ' && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}

// CappedBuffer keeps the first Max bytes written to it and notes the rest
// (Truncated); a write never fails, so the writer is never stalled.
type CappedBuffer struct {
	bytes.Buffer
	Max       int
	Truncated bool
}

func (b *CappedBuffer) Write(p []byte) (int, error) {
	if room := b.Max - b.Len(); len(p) > room {
		b.Truncated = true
		b.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.Buffer.Write(p)
}
