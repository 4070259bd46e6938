package report

import (
	"path/filepath"
	"testing"
)

// Two runs started in the same second must not share a directory: the
// second would read the first one's result streams.
func TestNewRunDirIsNewEveryTime(t *testing.T) {
	out := t.TempDir()
	seen := map[string]bool{}
	for range 3 {
		id, dir, err := NewRunDir(out)
		if err != nil {
			t.Fatal(err)
		}
		if seen[dir] {
			t.Fatalf("run %s reused %s", id, dir)
		}
		seen[dir] = true
		if latest, _ := filepath.EvalSymlinks(filepath.Join(out, "latest")); latest != dir {
			t.Errorf("latest points at %s, want %s", latest, dir)
		}
	}
}
