package cache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

func TestCacheFillIsAtomic(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	_, err := c.Fill("build", "k1", func(tmp string) error {
		os.WriteFile(filepath.Join(tmp, "bzImage"), []byte("half"), 0o644)
		return setup.Errorf("build failed")
	})
	if err == nil || c.Has("build", "k1") {
		t.Fatal("failed fill left an entry")
	}
	if left, _ := filepath.Glob(filepath.Join(c.Dir, "build", "*")); len(left) != 0 {
		t.Fatalf("leftovers: %v", left)
	}
	if hidden, _ := filepath.Glob(filepath.Join(c.Dir, "build", ".tmp*")); len(hidden) != 0 {
		t.Fatalf("temp dirs left: %v", hidden)
	}
	calls := 0
	for range 2 {
		p, err := c.Fill("build", "k1", func(tmp string) error {
			calls++
			return os.WriteFile(filepath.Join(tmp, "bzImage"), []byte("ok"), 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(filepath.Join(p, "bzImage")); string(b) != "ok" {
			t.Fatal("entry content")
		}
	}
	if calls != 1 {
		t.Fatalf("fill ran %d times, want 1", calls)
	}
}
