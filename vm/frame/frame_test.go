package frame

import (
	"bytes"
	"strings"
	"testing"
)

func encode(t *testing.T, frames map[string]string, exit int) string {
	t.Helper()
	var b bytes.Buffer
	for _, n := range []string{"info.json", "open/report.json"} {
		if d, ok := frames[n]; ok {
			if err := Write(&b, n, []byte(d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if exit >= 0 {
		WriteExit(&b, exit)
	}
	return b.String()
}

func TestRoundTrip(t *testing.T) {
	big := strings.Repeat("pidfd ", 5000)
	s := Read(strings.NewReader(encode(t, map[string]string{"info.json": "{}", "open/report.json": big}, 3)))
	if !s.Complete() {
		t.Fatalf("problems: %v", s.Problems)
	}
	if got, _ := s.Get("open/report.json"); string(got) != big {
		t.Fatalf("payload changed")
	}
	if *s.Exit != 3 {
		t.Fatalf("exit %d", *s.Exit)
	}
}

func TestCRLFAndNoiseAreTolerated(t *testing.T) {
	enc := "boot noise\r\n" + strings.ReplaceAll(encode(t, map[string]string{"info.json": "hello"}, 0), "\n", "\r\n")
	s := Read(strings.NewReader(enc))
	if !s.Complete() {
		t.Fatalf("problems: %v", s.Problems)
	}
}

func TestTruncatedStreamIsIncomplete(t *testing.T) {
	enc := encode(t, map[string]string{"info.json": "{}", "open/report.json": strings.Repeat("x", 1000)}, 0)
	cut := enc[:strings.Index(enc, "BEGIN open/report.json")+120]
	s := Read(strings.NewReader(cut))
	if s.Complete() {
		t.Fatal("truncated stream reads as complete")
	}
	if _, ok := s.Get("open/report.json"); ok {
		t.Fatal("truncated frame was accepted")
	}
	if _, ok := s.Get("info.json"); !ok {
		t.Fatal("the complete frame before the cut was lost")
	}
	if !strings.Contains(strings.Join(s.Problems, ";"), "truncated") {
		t.Fatalf("problems do not say truncated: %v", s.Problems)
	}
}

func TestMissingExit(t *testing.T) {
	s := Read(strings.NewReader(encode(t, map[string]string{"info.json": "{}"}, -1)))
	if s.Complete() || s.Exit != nil {
		t.Fatal("stream without EXIT reads as complete")
	}
}

func TestCorruptPayloadFailsChecksum(t *testing.T) {
	enc := encode(t, map[string]string{"info.json": strings.Repeat("abc", 40)}, 0)
	lines := strings.Split(enc, "\n")
	// Flip one base64 character in the first payload line.
	b := []byte(lines[1])
	if b[5] == 'A' {
		b[5] = 'B'
	} else {
		b[5] = 'A'
	}
	lines[1] = string(b)
	s := Read(strings.NewReader(strings.Join(lines, "\n")))
	if _, ok := s.Get("info.json"); ok {
		t.Fatal("corrupt frame accepted")
	}
	if !strings.Contains(strings.Join(s.Problems, ";"), "sha256 mismatch") {
		t.Fatalf("problems: %v", s.Problems)
	}
}

func TestDroppedLineFailsSize(t *testing.T) {
	enc := encode(t, map[string]string{"info.json": strings.Repeat("abc", 100)}, 0)
	lines := strings.Split(enc, "\n")
	lines = append(lines[:2], lines[3:]...)
	s := Read(strings.NewReader(strings.Join(lines, "\n")))
	if _, ok := s.Get("info.json"); ok || s.Complete() {
		t.Fatalf("frame with a dropped line accepted: %v", s.Problems)
	}
}

func TestBadNames(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "has space", nil); err == nil {
		t.Fatal("name with a space accepted")
	}
}

func TestGzipFrames(t *testing.T) {
	var b bytes.Buffer
	big := strings.Repeat(`{"State":"passed"}`, 2000)
	if err := WriteGzip(&b, "open/report.json", []byte(big)); err != nil {
		t.Fatal(err)
	}
	WriteExit(&b, 0)
	if b.Len() > len(big)/4 {
		t.Errorf("gzip frame is %d bytes for %d of JSON", b.Len(), len(big))
	}
	s := Read(&b)
	if got, ok := s.Get("open/report.json"); !ok || string(got) != big {
		t.Fatal("gzip frame did not round-trip")
	}
}
