package kernels

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// A bzImage is a small real-mode setup and a decompressor wrapped around
// the compressed kernel, the vmlinux. The runner unpacks that payload on
// the host: to boot it through its PVH entry (vm/boot) and to read the
// config a kernel built with CONFIG_IKCONFIG carries.

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

// Vmlinux writes the bzImage's decompressed payload, the kernel's vmlinux,
// to dst.
func Vmlinux(ctx context.Context, bzImage, dst string) error {
	payload, err := bzImagePayload(bzImage)
	if err != nil {
		return err
	}
	return decompressPayload(ctx, payload, dst, maxVmlinuxBytes)
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
		return nil, ErrNoSetupHeader
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
