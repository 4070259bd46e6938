package kernel

import (
	"os"
	"testing"
)

func TestTracerPidReadsTheStatusLine(t *testing.T) {
	tracer, err := TracerPid(os.Getpid())
	if err != nil {
		t.Skip("no /proc here:", err)
	}
	if tracer < 0 {
		t.Errorf("TracerPid = %d", tracer)
	}
	if _, err := TracerPid(-1); err == nil {
		t.Error("TracerPid(-1) found a status file")
	}
}
