package frame

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// What a guest can make the host hold. The kernel under test writes the
// result stream, and a broken or hostile one may send anything: every size
// the host allocates from is capped, and a capped stream is incomplete
// (MISS), never a short but plausible report. Real sizes (Debian 6.1, 6.12
// and 7.3 with the selftests, December 2026): the largest frame is
// pidfs/report.json.gz, about 100 KB as sent and 1.4 MB decompressed; a
// whole stream is about 400 KB.
const (
	// MaxFrameBytes caps one frame's payload as sent: 160 times the
	// largest real one.
	MaxFrameBytes = 16 << 20
	// MaxDecompressedBytes caps what one .gz frame may decompress to:
	// 45 times pidfs' report, and a gzip bomb stops there.
	MaxDecompressedBytes = 64 << 20
	// MaxStreamBytes caps the whole result stream (and the file QEMU's
	// second serial port fills): 160 times a real one, room for a
	// MaxFrameBytes frame in base64.
	MaxStreamBytes = 64 << 20
	// maxLineBytes caps one line: frames are written lineWidth wide, a
	// header is about 100 bytes; noise longer than this ends the read.
	maxLineBytes = 1 << 20
	// maxNameBytes caps a frame's name ("pidfs/report.json.gz", ...), which
	// problems quote.
	maxNameBytes = 256
)

// Mebibytes is n as "16 MiB" for messages about the caps.
func Mebibytes(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

// gunzip decompresses data, refusing more than MaxDecompressedBytes. The
// size is measured by a first pass that keeps nothing, so a bomb costs the
// host the decompressor's window, not its output; a frame within the cap is
// then decoded into a buffer of exactly its size.
func gunzip(data []byte) ([]byte, error) {
	n, err := gunzipTo(io.Discard, data, MaxDecompressedBytes)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	out := make([]byte, n)
	if _, err := io.ReadFull(zr, out); err != nil {
		return nil, err
	}
	return out, nil
}

// gunzipTo writes at most limit decompressed bytes of data to w and fails
// when there are more.
func gunzipTo(w io.Writer, data []byte, limit int64) (int64, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(w, io.LimitReader(zr, limit+1))
	if err != nil {
		return n, err
	}
	if n > limit {
		return n, fmt.Errorf("decompresses to more than %s (frame.MaxDecompressedBytes)", Mebibytes(MaxDecompressedBytes))
	}
	return n, nil
}

// base64Len is the length of n bytes in padded base64.
func base64Len(n int) int { return (n + 2) / 3 * 4 }

// countingReader counts what passes through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}
