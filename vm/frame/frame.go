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
	"slices"
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
	// Problems lists the defects found (truncated or corrupt frames,
	// missing EXIT, a cap reached), the first maxProblems of them. Any
	// problem means the stream is incomplete.
	Problems []string
	unlisted int // problems past maxProblems
}

// Get returns the named frame's data. A frame sent as name+".gz" (see
// WriteGzip) is decompressed; one that decompresses beyond
// MaxDecompressedBytes is not returned, and the stream gets a problem
// naming it, so the run reads incomplete.
func (s *Stream) Get(name string) ([]byte, bool) {
	for _, f := range s.Frames {
		if f.Name == name {
			return f.Data, true
		}
		if f.Name == name+GzipSuffix {
			data, err := gunzip(f.Data)
			if err != nil {
				// Past the cap too: this one decides a suite's MISS reason.
				if p := fmt.Sprintf("frame %s: %v", f.Name, err); !slices.Contains(s.Problems, p) {
					s.Problems = append(s.Problems, p)
				}
				return nil, false
			}
			return data, true
		}
	}
	return nil, false
}

// ProblemOf is the first problem that names the frame name (or its .gz),
// "" when there is none.
func (s *Stream) ProblemOf(name string) string {
	for _, p := range s.Problems {
		if strings.HasPrefix(p, "frame "+name+" ") || strings.HasPrefix(p, "frame "+name+": ") ||
			strings.HasPrefix(p, "frame "+name+GzipSuffix+" ") || strings.HasPrefix(p, "frame "+name+GzipSuffix+": ") {
			return p
		}
	}
	return ""
}

// maxProblems is how many problems a stream lists; a stream of garbage
// has one per line, and the first ones say enough.
const maxProblems = 20

// problem records p once, and only counts it past maxProblems.
func (s *Stream) problem(p string) {
	switch {
	case slices.Contains(s.Problems, p):
	case len(s.Problems) >= maxProblems:
		s.unlisted++
	default:
		s.Problems = append(s.Problems, p)
	}
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
// Whatever r holds, Read keeps at most MaxStreamBytes of it, and of one
// frame no more than its header announces (itself capped at MaxFrameBytes).
func Read(r io.Reader) *Stream {
	s := &Stream{}
	in := &countingReader{r: io.LimitReader(r, MaxStreamBytes+1)}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), maxLineBytes)

	var (
		open    bool // inside a frame whose payload is kept
		skip    bool // inside a frame whose payload is dropped
		name    string
		size    int
		sum     string
		payload strings.Builder
	)
	for sc.Scan() {
		// Bytes, not Text: payload lines are copied once, into payload.
		raw := bytes.TrimRight(sc.Bytes(), "\r")
		switch {
		case bytes.HasPrefix(raw, []byte("BEGIN ")):
			line := string(raw)
			if open || skip {
				s.problem(fmt.Sprintf("frame %s truncated: BEGIN of another frame before END", name))
			}
			open, skip = false, false
			f := strings.Fields(line)
			n, err := 0, error(nil)
			if len(f) == 4 {
				n, err = strconv.Atoi(f[2])
			}
			if len(f) != 4 || err != nil || n < 0 || len(f[3]) != 64 || len(f[1]) > maxNameBytes {
				s.problem(fmt.Sprintf("garbled frame header %q", formatLine(line)))
				continue
			}
			name = f[1]
			if n > MaxFrameBytes {
				s.problem(fmt.Sprintf("frame %s: header says %d bytes, over the cap of %s (frame.MaxFrameBytes): not read", name, n, Mebibytes(MaxFrameBytes)))
				skip = true
				continue
			}
			open, size, sum = true, n, f[3]
			payload.Reset()
		case string(raw) == "END":
			if skip {
				skip = false
				continue
			}
			if !open {
				s.problem("END without BEGIN")
				continue
			}
			open = false
			data, err := base64.StdEncoding.DecodeString(payload.String())
			if err != nil {
				s.problem(fmt.Sprintf("frame %s: bad base64: %v", name, err))
				continue
			}
			if len(data) != size {
				s.problem(fmt.Sprintf("frame %s: %d bytes, header says %d", name, len(data), size))
				continue
			}
			got := sha256.Sum256(data)
			if hex.EncodeToString(got[:]) != sum {
				s.problem(fmt.Sprintf("frame %s: sha256 mismatch", name))
				continue
			}
			s.Frames = append(s.Frames, Frame{Name: name, Data: data})
		case bytes.HasPrefix(raw, []byte("EXIT ")):
			line := string(raw)
			if open || skip {
				s.problem(fmt.Sprintf("frame %s truncated: EXIT before END", name))
				open, skip = false, false
			}
			code, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "EXIT ")))
			if err != nil {
				s.problem(fmt.Sprintf("garbled exit line %q", formatLine(line)))
				continue
			}
			s.Exit = &code
		case open:
			// A frame longer than its header says is dropped at once, so
			// the header's size bounds what is held.
			if payload.Len()+len(raw) > base64Len(size) {
				s.problem(fmt.Sprintf("frame %s: more payload than the %d bytes its header says: not read", name, size))
				open, skip = false, true
				continue
			}
			payload.Write(raw)
		default:
			// Noise outside frames (a stray boot message, a dropped
			// frame's payload) carries no result; ignore it.
		}
	}
	if err := sc.Err(); err != nil {
		s.problem(fmt.Sprintf("reading stream: %v", err))
	}
	if in.n > MaxStreamBytes {
		s.problem(fmt.Sprintf("stream longer than %s (frame.MaxStreamBytes): the rest was not read", Mebibytes(MaxStreamBytes)))
	}
	if open || skip {
		s.problem(fmt.Sprintf("frame %s truncated: stream ended before END", name))
	}
	if s.Exit == nil {
		s.problem("stream ended without EXIT: the guest never finished")
	}
	if s.unlisted > 0 {
		s.Problems = append(s.Problems, fmt.Sprintf("and %d more problems", s.unlisted))
	}
	return s
}

// formatLine keeps a quoted stream line short in a problem.
func formatLine(l string) string {
	if len(l) > 120 {
		return l[:120] + "…"
	}
	return l
}
