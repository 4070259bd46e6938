package boot

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/kernels/kernelstest"
)

// pvhTestImage is a bzImage (boot protocol 2.15, one setup sector) whose
// payload is payload.
func pvhTestImage(payload []byte) []byte {
	img := make([]byte, 2*512)
	img[0x1f1] = 1
	copy(img[0x202:], "HdrS")
	binary.LittleEndian.PutUint16(img[0x206:], 0x20f)
	binary.LittleEndian.PutUint32(img[0x248:], 0)
	binary.LittleEndian.PutUint32(img[0x24c:], uint32(len(payload)))
	return append(img, payload...)
}

func gzipped(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

func TestBzImagePayload(t *testing.T) {
	payload := gzipped([]byte("kernel"))
	path := filepath.Join(t.TempDir(), "bzImage")
	os.WriteFile(path, pvhTestImage(payload), 0o644)
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

// A kernel whose payload is not a PVH-capable ELF boots from its bzImage,
// and the reason is cached so the next run does not unpack it again.
func TestKernelFileFallsBackToBzImage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bzImage")
	os.WriteFile(path, pvhTestImage(gzipped([]byte("not an ELF file"))), 0o644)
	c := cache.Cache{Dir: t.TempDir()}
	var logged []string
	logf := func(f string, a ...any) { logged = append(logged, f) }
	k := &kernels.Kernel{Name: "k", BzImage: path}
	for range 2 {
		if got := KernelFile(context.Background(), c, k, logf); got != path {
			t.Fatalf("boots %s, want the bzImage %s", got, path)
		}
	}
	notes, _ := filepath.Glob(filepath.Join(c.Dir, "vmlinux", "*", noPVHFile))
	if len(notes) != 1 || len(logged) != 2 || !strings.Contains(logged[0], "from its bzImage") {
		t.Fatalf("reason files %v, log %q", notes, logged)
	}
	if why, _ := os.ReadFile(notes[0]); !strings.Contains(string(why), "not an ELF") {
		t.Fatalf("reason %q", why)
	}
}

func TestNotesHave(t *testing.T) {
	note := func(owner string, typ uint32, desc []byte) []byte {
		var b bytes.Buffer
		name := append([]byte(owner), 0)
		binary.Write(&b, binary.LittleEndian, []uint32{uint32(len(name)), uint32(len(desc)), typ})
		b.Write(name)
		b.Write(make([]byte, (4-len(name)%4)%4))
		b.Write(desc)
		b.Write(make([]byte, (4-len(desc)%4)%4))
		return b.Bytes()
	}
	gnu := note("GNU", 3, []byte{1, 2, 3, 4, 5})
	xenOther := note("Xen", 17, []byte{0, 0, 0, 0, 0, 0, 0, 0})
	pvh := note("Xen", pvhNoteType, []byte{0, 0, 0, 1})
	if !notesHave(append(append(gnu, xenOther...), pvh...), binary.LittleEndian, "Xen", pvhNoteType) {
		t.Error("PVH note after two others not found")
	}
	if notesHave(append(gnu, xenOther...), binary.LittleEndian, "Xen", pvhNoteType) {
		t.Error("found a PVH note that is not there")
	}
	if notesHave(pvh[:14], binary.LittleEndian, "Xen", pvhNoteType) {
		t.Error("a truncated note counted")
	}
}

// A payload that inflates past the cap is not written out whole: the
// kernel boots from its bzImage instead.
func TestDecompressPayloadStopsAtTheCap(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "vmlinux")
	err := decompressPayload(t.Context(), gzipped(make([]byte, 4<<20)), dst, 1<<20)
	if err == nil || !strings.Contains(err.Error(), "decompresses past 1 MiB") {
		t.Fatalf("got %v, want the cap", err)
	}
	if st, err := os.Stat(dst); err == nil && st.Size() > 1<<20 {
		t.Errorf("%d bytes written past the cap", st.Size())
	}
	if err := decompressPayload(t.Context(), gzipped(make([]byte, 1<<20)), dst, 1<<20); err != nil {
		t.Errorf("a payload of exactly the cap: %v", err)
	}
}
