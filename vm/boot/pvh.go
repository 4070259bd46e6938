package boot

import (
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// A bzImage is a small real-mode setup and a decompressor wrapped around the
// compressed kernel. Under TCG that decompressor runs instruction by
// instruction: on a Debian cloud kernel it takes 7-8 s of a 25 s boot to
// /init on this loaded 2-core host, before the kernel prints its first
// line. QEMU also boots the uncompressed vmlinux directly through its PVH
// entry (the XEN_ELFNOTE_PHYS32_ENTRY note, CONFIG_PVH), so the runner
// decompresses the payload once on the host, keeps it in the cache, and
// boots that. Kernels without the note (tinyconfig builds) or whose payload
// cannot be unpacked here boot as before, from the bzImage.

// pvhNoteType is XEN_ELFNOTE_PHYS32_ENTRY: the 32-bit PVH entry point.
const pvhNoteType = 18

// pvhFile is the cached vmlinux; noPVHFile says why a kernel has none, so
// the extraction is not retried on every run.
const (
	pvhFile   = "vmlinux"
	noPVHFile = "no-pvh.txt"
)

// KernelFile is the file QEMU should boot for k: its extracted vmlinux when
// the kernel has a PVH entry, else its bzImage. It never fails: anything
// that goes wrong only costs the faster boot, and is logged once.
func KernelFile(ctx context.Context, c cache.Cache, k *kernels.Kernel, logf func(string, ...any)) string {
	if k.MachineArch() == "arm64" {
		return k.BzImage // an Image: QEMU jumps into it, there is no decompressor to skip
	}
	sum, err := cache.HashFile(k.BzImage)
	if err != nil {
		return k.BzImage
	}
	dir, err := c.Fill("vmlinux", sum[:32], func(tmp string) error {
		if err := extractPVH(ctx, k.BzImage, filepath.Join(tmp, pvhFile)); err != nil {
			os.Remove(filepath.Join(tmp, pvhFile))
			return os.WriteFile(filepath.Join(tmp, noPVHFile), []byte(err.Error()+"\n"), 0o644)
		}
		return nil
	})
	if err != nil {
		logf("kernel %s boots from its bzImage: cannot cache its vmlinux: %v", k.Name, err)
		return k.BzImage
	}
	if _, err := os.Stat(filepath.Join(dir, pvhFile)); err == nil {
		return filepath.Join(dir, pvhFile)
	}
	why, _ := os.ReadFile(filepath.Join(dir, noPVHFile))
	logf("kernel %s boots from its bzImage (slower under TCG): %s", k.Name, strings.TrimSpace(string(why)))
	return k.BzImage
}

// extractPVH writes the bzImage's decompressed payload to dst and checks
// that it is an ELF kernel with a PVH entry.
func extractPVH(ctx context.Context, bzImage, dst string) error {
	if err := kernels.Vmlinux(ctx, bzImage, dst); err != nil {
		return err
	}
	f, err := elf.Open(dst)
	if err != nil {
		return fmt.Errorf("the decompressed payload is not an ELF kernel: %v", err)
	}
	defer f.Close()
	if !hasPVHNote(f) {
		return errors.New("the kernel has no PVH entry (CONFIG_PVH is off)")
	}
	return nil
}

// hasPVHNote looks for XEN_ELFNOTE_PHYS32_ENTRY in the ELF's note segments.
func hasPVHNote(f *elf.File) bool {
	for _, p := range f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		notes, err := io.ReadAll(p.Open())
		if err != nil {
			continue
		}
		if notesHave(notes, f.ByteOrder, "Xen", pvhNoteType) {
			return true
		}
	}
	return false
}

// notesHave walks ELF notes (namesz, descsz, type, name, desc; name and
// desc padded to 4 bytes) for one with the given owner and type.
func notesHave(notes []byte, order binary.ByteOrder, owner string, typ uint32) bool {
	pad := func(n uint32) int { return int((n + 3) &^ 3) }
	for len(notes) >= 12 {
		namesz, descsz, t := order.Uint32(notes), order.Uint32(notes[4:]), order.Uint32(notes[8:])
		end := 12 + pad(namesz) + pad(descsz)
		if end > len(notes) || end < 12 {
			return false
		}
		name := strings.TrimRight(string(notes[12:12+int(namesz)]), "\x00")
		if name == owner && t == typ {
			return true
		}
		notes = notes[end:]
	}
	return false
}
