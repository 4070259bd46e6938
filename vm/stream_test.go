package vm

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// guestStream is what the guest sends for suites open and poll.
func guestStream(t *testing.T) *frame.Stream {
	t.Helper()
	var b bytes.Buffer
	info, _ := json.Marshal(frame.GuestInfo{Release: "6.1.192", Suites: []string{"open", "poll"}, UptimeAtInit: 1.5})
	frame.WriteGzip(&b, frame.InfoName, info)
	for _, s := range []string{"open", "poll"} {
		frame.WriteGzip(&b, s+"/report.json", reportJSON(t, spec(s+" works", 1, types.SpecStatePassed, "")))
		run, _ := json.Marshal(frame.SuiteRun{Suite: s, Seconds: 2})
		frame.Write(&b, s+"/run.json", run)
	}
	frame.WriteExit(&b, 0)
	return frame.Read(&b)
}

func TestDecodeCompleteStream(t *testing.T) {
	kr := newKernelRun(&Kernel{Name: "6.1"})
	kr.DecodeStream(guestStream(t))
	m := NewMatrix("t", []*KernelRun{kr})
	if m.ExitCode() != ExitOK || len(kr.Cells) != 2 || kr.Boot.Seconds() != 1.5 || kr.Suite.Seconds() != 4 {
		t.Fatalf("exit %d cells %v boot %v suites %v", m.ExitCode(), kr.Cells, kr.Boot, kr.Suite)
	}
}

func TestDecodeTruncatedStreamIsMiss(t *testing.T) {
	var b bytes.Buffer
	info, _ := json.Marshal(frame.GuestInfo{Release: "6.1.192", Suites: []string{"open", "poll"}})
	frame.WriteGzip(&b, frame.InfoName, info)
	frame.WriteGzip(&b, "open/report.json", reportJSON(t, spec("open works", 1, types.SpecStatePassed, "")))
	// The VM died while poll's report was on the wire.
	var poll bytes.Buffer
	frame.WriteGzip(&poll, "poll/report.json", reportJSON(t, spec("poll works", 1, types.SpecStatePassed, "")))
	b.Write(poll.Bytes()[:poll.Len()/2])

	kr := newKernelRun(&Kernel{Name: "6.1"})
	kr.DecodeStream(frame.Read(&b))
	other := newKernelRun(&Kernel{Name: "6.12"})
	other.DecodeStream(guestStream(t))
	m := NewMatrix("t", []*KernelRun{other, kr})

	if c := m.Cell(kr, Row{Suite: "open", Text: "pidfd_open(2) open works"}); c.Result != PASS {
		t.Errorf("report that arrived whole was dropped: %+v", c)
	}
	if c := m.Cell(kr, Row{Suite: "poll", Text: "pidfd_open(2) poll works"}); c.Result != MISS {
		t.Errorf("truncated suite: %+v", c)
	}
	if c := m.Cell(kr, BootRow); c.Result != MISS || !strings.Contains(c.Reason, "truncated") {
		t.Errorf("boot row: %+v", c)
	}
	if m.ExitCode() != ExitMiss {
		t.Errorf("exit %d", m.ExitCode())
	}
}

func TestDecodeEmptyStreamIsKernelMiss(t *testing.T) {
	kr := newKernelRun(&Kernel{Name: "broken"})
	kr.DecodeStream(frame.Read(strings.NewReader("")))
	if kr.Miss == "" {
		t.Fatal("no frames at all must mark the kernel MISS")
	}
}
