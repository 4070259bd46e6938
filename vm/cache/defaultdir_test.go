package cache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without CACHE_DIR, XDG_CACHE_HOME or HOME the cache is never a fixed
// path in the temporary directory (another user could make it first) nor
// a relative one: the passwd home, else a new private directory, the same
// for the whole process.
func TestDefaultDirWithoutHome(t *testing.T) {
	for _, v := range []string{"CACHE_DIR", "XDG_CACHE_HOME", "HOME"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	d := DefaultDir()
	if !filepath.IsAbs(d) || d == filepath.Join(os.TempDir(), "pidfdconf-cache") {
		t.Fatalf("DefaultDir() = %q", d)
	}
	if strings.HasPrefix(d, os.TempDir()) {
		st, err := os.Stat(d)
		if err != nil || st.Mode().Perm() != 0o700 || d != DefaultDir() {
			t.Errorf("the private cache %s: %v, mode %v, or not the same on the next call", d, err, st.Mode())
		}
		t.Cleanup(func() { os.Remove(d) })
	}
	t.Logf("cache without a home: %s", d)
}

func TestPrivateDirIsFreshAndPrivate(t *testing.T) {
	d := privateDir()
	defer os.Remove(d)
	st, err := os.Stat(d)
	if err != nil || !st.IsDir() || st.Mode().Perm() != 0o700 || filepath.Base(d) == "pidfdconf-cache-" {
		t.Fatalf("%s: %v %v", d, err, st.Mode())
	}
	if privateDir() != d {
		t.Error("a second directory for the same process")
	}
}
