package kernels

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

func TestFileKernelChecks(t *testing.T) {
	dir := t.TempDir()
	notKernel := filepath.Join(dir, "notes.txt")
	os.WriteFile(notKernel, []byte(strings.Repeat("x", 1024)), 0o644)
	for path, msg := range map[string]string{
		filepath.Join(dir, "missing"): "no such file",
		notKernel:                     "not an x86 bzImage",
	} {
		s, _ := ParseKernelSpec("file:" + path)
		_, err := (&Resolver{}).Resolve(t.Context(), s)
		if err == nil || !setup.IsError(err) || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: got %v, want setup error with %q", path, err, msg)
		}
	}
	fake := filepath.Join(dir, "bzImage")
	img := make([]byte, 1024)
	copy(img[0x202:], "HdrS")
	os.WriteFile(fake, img, 0o644)
	s, _ := ParseKernelSpec("file:" + fake)
	k, err := (&Resolver{}).Resolve(t.Context(), s)
	if err != nil || k.BzImage != fake || k.Name != "bzImage" {
		t.Fatalf("valid bzImage: %+v %v", k, err)
	}
}
