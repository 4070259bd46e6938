package kernel

import (
	"errors"
	"os"
	"strconv"
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

func TestStatusFieldReadsOneLine(t *testing.T) {
	pid, err := StatusField("self", "Pid")
	if err != nil {
		t.Skip("no /proc here:", err)
	}
	if pid != strconv.Itoa(os.Getpid()) {
		t.Errorf("StatusField(self, Pid) = %q, want %d", pid, os.Getpid())
	}
	if v, err := StatusField("self", "NoSuchField"); !errors.Is(err, ErrNoStatusField) {
		t.Errorf("StatusField(self, NoSuchField) = %q, %v, want ErrNoStatusField", v, err)
	}
}
