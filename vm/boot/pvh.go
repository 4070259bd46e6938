package boot

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/setup"
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

// payloadTools decompress a bzImage payload by its magic, as the kernel's
// own build compressed it (scripts/Makefile.lib). Every format but gzip has
// the uncompressed size appended (size_append), which the tools reject as
// trailing garbage.
var payloadTools = []struct {
	magic      []byte
	tool       string
	args       []string
	sizeSuffix bool
}{
	{[]byte{0x1f, 0x8b}, "gzip", []string{"-dc"}, false},
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, "zstd", []string{"-dc"}, true},
	{[]byte{0xfd, '7', 'z', 'X', 'Z', 0}, "xz", []string{"-dc"}, true},
	{[]byte{0x02, 0x21, 0x4c, 0x18}, "lz4", []string{"-dc"}, true},
	{[]byte{0x5d, 0, 0}, "xz", []string{"--format=lzma", "-dc"}, true},
	{[]byte("BZh"), "bzip2", []string{"-dc"}, true},
	{[]byte{0x89, 'L', 'Z', 'O'}, "lzop", []string{"-dc"}, true},
}

// KernelFile is the file QEMU should boot for k: its extracted vmlinux when
// the kernel has a PVH entry, else its bzImage. It never fails: anything
// that goes wrong only costs the faster boot, and is logged once.
func KernelFile(ctx context.Context, c cache.Cache, k *kernels.Kernel, logf func(string, ...any)) string {
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
	payload, err := bzImagePayload(bzImage)
	if err != nil {
		return err
	}
	if err := decompressPayload(ctx, payload, dst, maxVmlinuxBytes); err != nil {
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

// bzImagePayload is the compressed kernel inside a bzImage: payload_offset
// and payload_length of the setup header (boot protocol 2.08+), counted from
// the protected-mode code after the setup sectors.
func bzImagePayload(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) < 0x250 || string(data[0x202:0x206]) != "HdrS" {
		return nil, kernels.ErrNoSetupHeader
	}
	if version := binary.LittleEndian.Uint16(data[0x206:]); version < 0x208 {
		return nil, fmt.Errorf("boot protocol %#x has no payload fields", version)
	}
	setupSects := int(data[0x1f1])
	if setupSects == 0 {
		setupSects = 4 // the boot protocol's historical default
	}
	start := (setupSects+1)*512 + int(binary.LittleEndian.Uint32(data[0x248:]))
	end := start + int(binary.LittleEndian.Uint32(data[0x24c:]))
	if start >= end || end > len(data) {
		return nil, fmt.Errorf("payload [%d, %d) lies outside the %d-byte file", start, end, len(data))
	}
	return data[start:end], nil
}

// decompressPayload unpacks payload into dst with the host tool for its
// format, failing past limit bytes.
func decompressPayload(ctx context.Context, payload []byte, dst string, limit int64) error {
	for _, t := range payloadTools {
		if !bytes.HasPrefix(payload, t.magic) {
			continue
		}
		if _, err := exec.LookPath(t.tool); err != nil {
			return fmt.Errorf("the kernel is %s-compressed and %s is not on PATH (install it to boot faster)", t.tool, t.tool)
		}
		if t.sizeSuffix && len(payload) > 4 {
			payload = payload[:len(payload)-4]
		}
		out, err := os.Create(dst)
		if err != nil {
			return err
		}
		var stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, t.tool, t.args...)
		capped := &cappedWriter{w: out, left: limit}
		cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(payload), capped, &stderr
		err = cmd.Run()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if capped.over {
			return fmt.Errorf("the payload decompresses past %d MiB, the cap on a kernel's size", limit>>20)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %v: %s", t.tool, strings.Join(t.args, " "), err, setup.LastLine(stderr.Bytes()))
		}
		return nil
	}
	return fmt.Errorf("unknown payload compression (magic % x)", payload[:min(len(payload), 4)])
}

// maxVmlinuxBytes caps the decompressed kernel: a Debian cloud vmlinux is
// 53-62 MB, and a payload that inflates past 16 times that is a bomb (the
// bzImage may come from a tree anyone wrote), not a kernel.
const maxVmlinuxBytes = 1 << 30

// cappedWriter fails once more than left bytes were written.
type cappedWriter struct {
	w    io.Writer
	left int64
	over bool
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		c.over = true
		return 0, errors.New("past the cap")
	}
	c.left -= int64(len(p))
	return c.w.Write(p)
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
