// Package kernelstest makes stand-in kernels for the runner's tests: files
// that pass the runner's bzImage check and that only a fake QEMU "boots".
package kernelstest

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
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

// WithPayload is a bzImage (boot protocol 2.15, one setup sector) whose
// compressed kernel is payload.
func WithPayload(payload []byte) []byte {
	img := make([]byte, 2*512)
	img[0x1f1] = 1
	copy(img[0x202:], "HdrS")
	binary.LittleEndian.PutUint16(img[0x206:], 0x20f)
	binary.LittleEndian.PutUint32(img[0x248:], 0)
	binary.LittleEndian.PutUint32(img[0x24c:], uint32(len(payload)))
	return append(img, payload...)
}

// Gzip is data gzip-compressed, as a kernel's payload may be.
func Gzip(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
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
