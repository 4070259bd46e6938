package kernels

import (
	"bytes"
	"os"
	"path/filepath"
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
