package frame

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// bomb is a gzip stream of n zero bytes, compressed about 1000 to 1.
func bomb(t *testing.T, n int64) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if _, err := io.CopyN(zw, zeros{}, n); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return b.Bytes()
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) { clear(b); return len(b), nil }

// allocated is what f allocated on the heap, all goroutines together.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A report frame that decompresses to four times the cap: the decoder
// stops at the cap, holds nothing of the output, and says why.
func TestGzipBombStopsAtTheCap(t *testing.T) {
	var stream bytes.Buffer
	Write(&stream, InfoName, []byte("{}"))
	Write(&stream, "open/report.json.gz", bomb(t, 4*MaxDecompressedBytes))
	WriteExit(&stream, 0)
	t.Logf("a %d KB stream carrying %d MiB", stream.Len()>>10, 4*MaxDecompressedBytes>>20)

	var s *Stream
	var data []byte
	var ok bool
	alloc := allocated(func() {
		s = Read(bytes.NewReader(stream.Bytes()))
		data, ok = s.Get("open/report.json")
	})
	if ok || data != nil {
		t.Fatalf("the bomb was decoded (%d bytes)", len(data))
	}
	// The stream itself (base64 decoded once) is about 1 MB; a decoder
	// that kept its output would be past MaxDecompressedBytes.
	if alloc > MaxDecompressedBytes/8 {
		t.Errorf("decoding allocated %d MiB, bound %d MiB (the cap is %d MiB)", alloc>>20, MaxDecompressedBytes/8>>20, MaxDecompressedBytes>>20)
	}
	t.Logf("decoding allocated %d KB", alloc>>10)
	want := "frame open/report.json.gz: decompresses to more than 64 MiB (frame.MaxDecompressedBytes)"
	if s.Complete() || s.ProblemOf("open/report.json") != want {
		t.Errorf("problems %q, want %q", s.Problems, want)
	}
	if _, ok := s.Get(InfoName); !ok {
		t.Error("the frame before the bomb was lost")
	}
}

// Just under the cap still decodes, to the byte.
func TestGzipJustUnderTheCap(t *testing.T) {
	var stream bytes.Buffer
	Write(&stream, "big.gz", bomb(t, MaxDecompressedBytes))
	WriteExit(&stream, 0)
	s := Read(&stream)
	data, ok := s.Get("big")
	if !ok || len(data) != MaxDecompressedBytes || !s.Complete() {
		t.Fatalf("got %d bytes, ok %v, problems %q", len(data), ok, s.Problems)
	}
}

// A header announcing more than MaxFrameBytes is not read, and the frames
// after it still are.
func TestOversizedFrameIsSkipped(t *testing.T) {
	var stream bytes.Buffer
	fmt.Fprintf(&stream, "BEGIN huge %d %s\n", MaxFrameBytes+1, strings.Repeat("0", 64))
	stream.WriteString(strings.Repeat(strings.Repeat("A", lineWidth)+"\n", 1000) + "END\n")
	Write(&stream, InfoName, []byte("{}"))
	WriteExit(&stream, 0)
	s := Read(&stream)
	if _, ok := s.Get("huge"); ok {
		t.Fatal("the oversized frame was accepted")
	}
	if _, ok := s.Get(InfoName); !ok {
		t.Fatalf("the frame after it was lost: %q", s.Problems)
	}
	if p := s.ProblemOf("huge"); !strings.Contains(p, "over the cap of 16 MiB (frame.MaxFrameBytes)") || s.Complete() {
		t.Errorf("problems %q", s.Problems)
	}
}

// A frame that keeps sending past its header's size is dropped as soon as
// it does: the header, not the guest, bounds what is held.
func TestFramePastItsHeaderIsDropped(t *testing.T) {
	var stream bytes.Buffer
	fmt.Fprintf(&stream, "BEGIN liar 3 %s\n", strings.Repeat("0", 64))
	line := strings.Repeat("A", lineWidth) + "\n"
	var s *Stream
	alloc := allocated(func() {
		s = Read(io.MultiReader(&stream, repeat(line, 8<<20), strings.NewReader("END\nEXIT 0\n")))
	})
	if alloc > 4<<20 {
		t.Errorf("reading 8 MiB of one frame's payload allocated %d MiB", alloc>>20)
	}
	if p := s.ProblemOf("liar"); !strings.Contains(p, "more payload than the 3 bytes its header says") {
		t.Errorf("problems %q", s.Problems)
	}
}

// repeat reads s over and over, n bytes in all.
func repeat(s string, n int64) io.Reader {
	return io.LimitReader(&cycle{s: s}, n)
}

type cycle struct {
	s string
	i int
}

func (c *cycle) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k := copy(b[n:], c.s[c.i:])
		n += k
		c.i = (c.i + k) % len(c.s)
	}
	return n, nil
}

func TestStreamPastTheCapIsCut(t *testing.T) {
	var head bytes.Buffer
	Write(&head, InfoName, []byte("{}"))
	s := Read(io.MultiReader(&head, repeat("noise\n", MaxStreamBytes), strings.NewReader("EXIT 0\n")))
	if s.Exit != nil {
		t.Error("the EXIT past the cap was read")
	}
	if !strings.Contains(strings.Join(s.Problems, ";"), "stream longer than 64 MiB (frame.MaxStreamBytes)") {
		t.Errorf("problems %q", s.Problems)
	}
	if _, ok := s.Get(InfoName); !ok {
		t.Error("the frame before the cap was lost")
	}
}

// A stream of garbage lists its first problems and counts the rest.
func TestProblemsAreCapped(t *testing.T) {
	var b strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&b, "BEGIN garbled %d\n", i)
	}
	s := Read(strings.NewReader(b.String()))
	if len(s.Problems) != maxProblems+1 || !strings.HasPrefix(s.Problems[maxProblems], "and ") {
		t.Fatalf("%d problems, last %q", len(s.Problems), s.Problems[len(s.Problems)-1])
	}
}

func TestGuestInfoCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		info GuestInfo
		want string // "" when fine
	}{
		{"real", GuestInfo{Release: "6.1.0-57-cloud-amd64", Suites: []string{"open", "pidfs", "clone"}}, ""},
		{"a path as a suite", GuestInfo{Suites: []string{"../../etc"}}, `suite name "../../etc"`},
		{"markup as a suite", GuestInfo{Suites: []string{"<script>"}}, `suite name "<script>"`},
		{"too many suites", GuestInfo{Suites: make([]string, maxSuites+1)}, "lists 65 suites"},
		{"a huge release", GuestInfo{Release: strings.Repeat("x", maxInfoString+1)}, "release is 4097 bytes"},
	} {
		err := tc.info.Check()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
