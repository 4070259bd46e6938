// Package frame is the result protocol between the guest /init and the host
// runner. The guest writes it on the VM's second serial port (ttyS1):
//
//	BEGIN <name> <bytes> <sha256>
//	<base64 lines>
//	END
//	...
//	EXIT <code>
//
// Size and checksum make truncation and corruption detectable: a serial line
// that dies mid-report must read as "no result" (MISS), never as a short but
// plausible report.
package frame

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// lineWidth keeps lines short so a corrupted byte damages one small line.
const lineWidth = 76

// Frame is one named, verified blob from the guest.
type Frame struct {
	Name string
	Data []byte
}

// Stream is everything decoded from one result stream.
type Stream struct {
	Frames []Frame
	// Exit is the guest's final status; nil when the EXIT line never came.
	Exit *int
	// Problems lists every defect found (truncated or corrupt frames,
	// missing EXIT). Any problem means the stream is incomplete.
	Problems []string
}

// Get returns the named frame's data. A frame sent as name+".gz" (see
// WriteGzip) is decompressed.
func (s *Stream) Get(name string) ([]byte, bool) {
	for _, f := range s.Frames {
		if f.Name == name {
			return f.Data, true
		}
		if f.Name == name+GzipSuffix {
			zr, err := gzip.NewReader(bytes.NewReader(f.Data))
			if err != nil {
				return nil, false
			}
			data, err := io.ReadAll(zr)
			if err != nil {
				return nil, false
			}
			return data, true
		}
	}
	return nil, false
}

// GzipSuffix marks a frame whose payload is gzip-compressed.
const GzipSuffix = ".gz"

// WriteGzip sends data compressed as name+".gz": Ginkgo's JSON reports
// shrink about tenfold, and every byte costs time on an emulated UART.
func WriteGzip(w io.Writer, name string, data []byte) error {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return err
	}
	return Write(w, name+GzipSuffix, buf.Bytes())
}

// Complete reports whether the stream ended with EXIT and had no defects.
func (s *Stream) Complete() bool { return s.Exit != nil && len(s.Problems) == 0 }

// Write encodes one frame.
func Write(w io.Writer, name string, data []byte) error {
	if name == "" || strings.ContainsAny(name, " \t\r\n") {
		return fmt.Errorf("frame name %q must be non-empty and without spaces", name)
	}
	sum := sha256.Sum256(data)
	var b strings.Builder
	fmt.Fprintf(&b, "BEGIN %s %d %s\n", name, len(data), hex.EncodeToString(sum[:]))
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 0 {
		n := min(lineWidth, len(enc))
		b.WriteString(enc[:n])
		b.WriteByte('\n')
		enc = enc[n:]
	}
	b.WriteString("END\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteExit writes the final status line.
func WriteExit(w io.Writer, code int) error {
	_, err := fmt.Fprintf(w, "EXIT %d\n", code)
	return err
}

// Read decodes a whole stream. It never fails: defects are collected in
// Problems so the caller can report them next to whatever did arrive.
func Read(r io.Reader) *Stream {
	s := &Stream{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)

	var (
		open    bool
		name    string
		size    int
		sum     string
		payload strings.Builder
	)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.HasPrefix(line, "BEGIN "):
			if open {
				s.Problems = append(s.Problems, fmt.Sprintf("frame %s truncated: BEGIN of another frame before END", name))
			}
			f := strings.Fields(line)
			n, err := 0, error(nil)
			if len(f) == 4 {
				n, err = strconv.Atoi(f[2])
			}
			if len(f) != 4 || err != nil || n < 0 || len(f[3]) != 64 {
				s.Problems = append(s.Problems, fmt.Sprintf("garbled frame header %q", line))
				open = false
				continue
			}
			open, name, size, sum = true, f[1], n, f[3]
			payload.Reset()
		case line == "END":
			if !open {
				s.Problems = append(s.Problems, "END without BEGIN")
				continue
			}
			open = false
			data, err := base64.StdEncoding.DecodeString(payload.String())
			if err != nil {
				s.Problems = append(s.Problems, fmt.Sprintf("frame %s: bad base64: %v", name, err))
				continue
			}
			if len(data) != size {
				s.Problems = append(s.Problems, fmt.Sprintf("frame %s: %d bytes, header says %d", name, len(data), size))
				continue
			}
			got := sha256.Sum256(data)
			if hex.EncodeToString(got[:]) != sum {
				s.Problems = append(s.Problems, fmt.Sprintf("frame %s: sha256 mismatch", name))
				continue
			}
			s.Frames = append(s.Frames, Frame{Name: name, Data: data})
		case strings.HasPrefix(line, "EXIT "):
			if open {
				s.Problems = append(s.Problems, fmt.Sprintf("frame %s truncated: EXIT before END", name))
				open = false
			}
			code, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "EXIT ")))
			if err != nil {
				s.Problems = append(s.Problems, fmt.Sprintf("garbled exit line %q", line))
				continue
			}
			s.Exit = &code
		case open:
			payload.WriteString(line)
		default:
			// Noise outside frames (a stray boot message) carries no result; ignore it.
		}
	}
	if err := sc.Err(); err != nil {
		s.Problems = append(s.Problems, fmt.Sprintf("reading stream: %v", err))
	}
	if open {
		s.Problems = append(s.Problems, fmt.Sprintf("frame %s truncated: stream ended before END", name))
	}
	if s.Exit == nil {
		s.Problems = append(s.Problems, "stream ended without EXIT: the guest never finished")
	}
	return s
}
