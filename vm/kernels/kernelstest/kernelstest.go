// Package kernelstest makes stand-in kernels for the runner's tests: files
// that pass the runner's bzImage check and that only a fake QEMU "boots".
package kernelstest

import (
	"os"
	"path/filepath"
	"testing"
)

// BzImage is 1 KiB with the x86 boot protocol's "HdrS" at 0x202 and tag
// at 0x300: a bzImage to every check the runner makes, boot protocol 0 (no
// payload fields).
func BzImage(tag string) []byte {
	img := make([]byte, 1024)
	copy(img[0x202:], "HdrS")
	copy(img[0x300:], tag)
	return img
}

// BzImageFile writes BzImage(tag) to a file of the test's and returns its path.
func BzImageFile(t *testing.T, tag string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bzImage")
	if err := os.WriteFile(path, BzImage(tag), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// SharedDir is a temporary directory that any user may read and write: the
// runner, when root, hands what it does not trust (QEMU, a tree's build)
// to another user, and a stand-in for those must reach its files.
func SharedDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	// t.TempDir's parent is private to the test too.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
