package vm

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
	if majorMinor(got) != "7.3" {
		t.Errorf("majorMinor(%q) = %q", got, majorMinor(got))
	}
	notKernel := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notKernel, []byte(strings.Repeat("not a kernel\n", 100)), 0o644)
	if _, err := BzImageRelease(notKernel); err == nil || !strings.Contains(err.Error(), "not a bzImage") {
		t.Errorf("a text file: err = %v, want 'not a bzImage'", err)
	}
}

func TestMajorMinor(t *testing.T) {
	for release, want := range map[string]string{"6.1.0-57-cloud-amd64": "6.1", "6.12.117": "6.12", "7.1.0-rc2": "7.1", "7.3": "7.3"} {
		if got := majorMinor(release); got != want {
			t.Errorf("majorMinor(%q) = %q, want %q", release, got, want)
		}
	}
}

// A spec's verdict reaches the cross-check under its row key, with the
// cases its catalogue Mirrors line cites; runner rows and uncited specs
// stay out, and a MISS says nothing.
func TestMirroringSpecs(t *testing.T) {
	kr := newKernelRun(&Kernel{Name: "k"})
	cited := Row{Suite: "getfd", Text: "pidfd_getfd(2) fails with EBADF"}
	uncited := Row{Suite: "getfd", Text: "pidfd_getfd(2) keeps flags"}
	missed := Row{Suite: "open", Text: "pidfd_open(2) works"}
	kr.set(cited, Cell{Result: FAIL})
	kr.set(uncited, Cell{Result: PASS})
	kr.set(missed, Cell{Result: MISS})
	kr.set(BootRow, Cell{Result: PASS})
	mirrors := map[string][]string{
		cited.Key():  {"pidfd_getfd_test.c child.no_strange_EBADF"},
		missed.Key(): {"pidfd_open_test.c open a new pidfd"},
	}
	specs := mirroringSpecs(kr, mirrors)
	if len(specs) != 1 || specs[0].Text != cited.Key() || specs[0].Verdict != "FAIL" {
		t.Fatalf("mirroringSpecs = %+v, want only the cited FAIL", specs)
	}
}
