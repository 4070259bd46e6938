package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/mirrors"
)

// wrapTree rewraps, in every Go file under dir, each metadata field that
// has a line wider than MaxColumns; other lines stay as they are.
func wrapTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines := strings.Split(string(data), "\n")
		wrapped, changed := wrapLines(lines)
		if !changed {
			return nil
		}
		return os.WriteFile(path, []byte(strings.Join(wrapped, "\n")), 0o644)
	})
}

// wrapLines is lines with every too-wide metadata field rewrapped.
func wrapLines(lines []string) ([]string, bool) {
	var out []string
	changed := false
	for i := 0; i < len(lines); {
		f, ok := mirrors.ReadField(lines, i)
		if !ok {
			out = append(out, lines[i])
			i++
			continue
		}
		b := blockAround(lines, i)
		if wide, _ := b.tooWide(lines); slices.Contains(wide, f.Name) {
			out = append(out, b.wrapped(f.Name)...)
			changed = true
		} else {
			out = append(out, lines[f.First:f.Last+1]...)
		}
		i = f.Last + 1
	}
	return out, changed
}
