package cache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without CACHE_DIR, XDG_CACHE_HOME or HOME the cache is never a fixed
// path in the temporary directory (another user could make it first) nor
// a relative one: the passwd home (root's /root), else (nobody's is
// /nonexistent) a new private directory, the same for the whole process.
func TestDefaultDirWithoutHome(t *testing.T) {
	for _, v := range []string{"CACHE_DIR", "XDG_CACHE_HOME", "HOME"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	d := DefaultDir()
	if !filepath.IsAbs(d) || d == filepath.Join(os.TempDir(), "pidfdconf-cache") {
		t.Fatalf("DefaultDir() = %q", d)
	}
	t.Logf("cache without a home: %s", d)
	p := privateDir()
	t.Cleanup(func() { os.Remove(p) })
	home := strings.HasSuffix(d, "/.cache/pidfdconf") && !strings.HasPrefix(d, filepath.Clean(os.TempDir())+"/")
	if !home && d != p {
		t.Errorf("DefaultDir() = %q, neither a home's cache nor the private directory %q", d, p)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !st.IsDir() || st.Mode().Perm() != 0o700 || filepath.Dir(p) != filepath.Clean(os.TempDir()) {
		t.Errorf("private directory %s: mode %v", p, st.Mode())
	}
	if privateDir() != p {
		t.Error("a second private directory for the same process")
	}
}
