package kernels

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBzImage writes a setup header whose kernel_version points at version.
func fakeSetupHeader(t *testing.T, version string) string {
	t.Helper()
	img := make([]byte, 0x400)
	copy(img[0x202:], "HdrS")
	binary.LittleEndian.PutUint16(img[0x20e:], 0x100) // string at 0x100+0x200
	copy(img[0x300:], version+"\x00")
	path := filepath.Join(t.TempDir(), "bzImage")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBzImageRelease(t *testing.T) {
	got, err := BzImageRelease(fakeSetupHeader(t, "7.3.4+deb13-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP"))
	if err != nil || got != "7.3.4+deb13-cloud-amd64" {
		t.Fatalf("BzImageRelease = %q, %v", got, err)
	}
	if MajorMinor(got) != "7.3" {
		t.Errorf("MajorMinor(%q) = %q", got, MajorMinor(got))
	}
	notKernel := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notKernel, []byte(strings.Repeat("not a kernel\n", 100)), 0o644)
	if _, err := BzImageRelease(notKernel); err == nil || !strings.Contains(err.Error(), "not a bzImage") {
		t.Errorf("a text file: err = %v, want 'not a bzImage'", err)
	}
}

func TestMajorMinor(t *testing.T) {
	for release, want := range map[string]string{"6.1.0-57-cloud-amd64": "6.1", "6.12.117": "6.12", "7.1.0-rc2": "7.1", "7.3": "7.3"} {
		if got := MajorMinor(release); got != want {
			t.Errorf("MajorMinor(%q) = %q, want %q", release, got, want)
		}
	}
}
