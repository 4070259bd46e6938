package boot

import (
	"bytes"
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

// A kernel whose payload is not a PVH-capable ELF boots from its bzImage,
// and the reason is cached so the next run does not unpack it again.
func TestKernelFileFallsBackToBzImage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bzImage")
	os.WriteFile(path, kernelstest.WithPayload(kernelstest.Gzip([]byte("not an ELF file"))), 0o644)
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
