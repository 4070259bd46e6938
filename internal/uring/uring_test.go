package uring

import (
	"context"
	"errors"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// newRing sets up a ring or skips where the kernel has none for this process.
func newRing(t *testing.T) *Ring {
	t.Helper()
	r, err := Setup(4)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EOPNOTSUPP) {
		t.Skipf("no usable io_uring here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestNopCompletesWithItsUserData(t *testing.T) {
	r := newRing(t)
	if err := r.Submit(Nop(42)); err != nil {
		t.Fatal(err)
	}
	cqe, err := r.WaitCQE(context.Background(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if cqe != (CQE{UserData: 42, Res: 0}) {
		t.Fatalf("NOP completed as %+v, want user data 42 and res 0", cqe)
	}
	if _, ok := r.TryCQE(); ok {
		t.Fatal("a second completion for one NOP")
	}
}

func TestWaitCQETimesOutWithNothingInFlight(t *testing.T) {
	r := newRing(t)
	start := time.Now()
	_, err := r.WaitCQE(context.Background(), 250*time.Millisecond)
	if !errors.Is(err, ErrNoCompletion) {
		t.Fatalf("WaitCQE = %v, want ErrNoCompletion", err)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Fatalf("WaitCQE gave up after %v, before its timeout", d)
	}
}

func TestWaitCQEStopsWithItsContext(t *testing.T) {
	r := newRing(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.WaitCQE(ctx, time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitCQE = %v, want context.Canceled", err)
	}
}

func TestSupportsKnowsNopAndNoOpcodePastTheTable(t *testing.T) {
	r := newRing(t)
	ok, err := r.Supports(OpNop)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("IORING_REGISTER_PROBE says NOP is unsupported")
	}
	if ok, _ := r.Supports(255); ok {
		t.Fatal("IORING_REGISTER_PROBE says opcode 255 is supported")
	}
}

// TestWaitidReportsAChildsExit checks the SQE layout against the kernel:
// a child that exits 7 completes the request with its pid and status.
func TestWaitidReportsAChildsExit(t *testing.T) {
	r := newRing(t)
	if ok, _ := r.Supports(OpWaitid); !ok {
		t.Skip("the kernel has no IORING_OP_WAITID (v6.7)")
	}
	cmd := exec.Command("/bin/sh", "-c", "exit 7")
	if err := cmd.Start(); err != nil {
		t.Skipf("no /bin/sh to start: %v", err)
	}
	w := NewWaitid(unix.P_PID, cmd.Process.Pid, unix.WEXITED, 7)
	if err := r.Submit(w.SQE); err != nil {
		t.Fatal(err)
	}
	cqe, err := r.WaitCQE(context.Background(), 10*time.Second)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal(err)
	}
	if cqe.UserData != 7 || cqe.Res != 0 {
		t.Fatalf("waitid completed as %+v, want user data 7 and res 0", cqe)
	}
	cmd.Process.Release() // reaped by the ring
	if w.Info.Signo != int32(unix.SIGCHLD) || w.Info.Code != 1 /* CLD_EXITED */ {
		t.Fatalf("siginfo %+v, want SIGCHLD and CLD_EXITED", *w.Info)
	}
}
