package kernels

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/kernels/kernelstest"
)

func TestBzImagePayload(t *testing.T) {
	payload := kernelstest.Gzip([]byte("kernel"))
	path := filepath.Join(t.TempDir(), "bzImage")
	os.WriteFile(path, kernelstest.WithPayload(payload), 0o644)
	got, err := bzImagePayload(path)
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("payload %x, %v; want %x", got, err, payload)
	}
	old := kernelstest.BzImage("old") // boot protocol 0: no payload fields
	os.WriteFile(path, old, 0o644)
	if _, err := bzImagePayload(path); err == nil {
		t.Fatal("a bzImage without payload fields gave a payload")
	}
}

// A payload that inflates past the cap is not written out whole: the
// kernel boots from its bzImage instead.
func TestDecompressPayloadStopsAtTheCap(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "vmlinux")
	err := decompressPayload(t.Context(), kernelstest.Gzip(make([]byte, 4<<20)), dst, 1<<20)
	if err == nil || !strings.Contains(err.Error(), "decompresses past 1 MiB") {
		t.Fatalf("got %v, want the cap", err)
	}
	if st, err := os.Stat(dst); err == nil && st.Size() > 1<<20 {
		t.Errorf("%d bytes written past the cap", st.Size())
	}
	if err := decompressPayload(t.Context(), kernelstest.Gzip(make([]byte, 1<<20)), dst, 1<<20); err != nil {
		t.Errorf("a payload of exactly the cap: %v", err)
	}
}
