package helpers

import (
	"context"
	"fmt"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// RoleSigwait is a helper in which HeldSignals are blocked in every thread
// (internal/role's Sigwait, which says why and lists its commands).
var RoleSigwait = role.Sigwait

// HeldSignals are the signals RoleSigwait blocks everywhere.
var HeldSignals = role.HeldSignals

// StartSigwait starts a RoleSigwait helper with HeldSignals blocked from
// birth (see WithHeldSignalsBlocked), so the helper needs no re-exec.
func StartSigwait(ctx context.Context, args []string, opts ...ChildOption) *Child {
	GinkgoHelper()
	var c *Child
	WithHeldSignalsBlocked(func() { c = StartChild(ctx, RoleSigwait, args, opts...) })
	return c
}

// WithHeldSignalsBlocked runs f on the spec's own thread, locked and with
// HeldSignals blocked for the duration: the Go runtime restores the forking
// thread's mask in a child before execve(2), so every helper f starts is
// born with them blocked, and so are the processes that helper starts (a
// PidNS's pid 1 passes the mask on to what it spawns). Such RoleSigwait
// helpers need no re-exec.
func WithHeldSignalsBlocked(f func()) {
	GinkgoHelper()
	Expect(role.WithHeldSignalsBlocked(f)).To(Succeed())
}

// TakeSignal asks a RoleSigwait helper's thread tid to dequeue sig within
// wait; a nil error means that thread could take it.
func TakeSignal(ctx context.Context, c *Child, tid int, sig unix.Signal, wait time.Duration) (kernel.SigInfo, error) {
	GinkgoHelper()
	r, err := c.Call(ctx, fmt.Sprintf("take %d %d %d", tid, sig, wait.Milliseconds()))
	if err != nil {
		return kernel.SigInfo{}, err
	}
	Expect(r.Fields).To(HaveLen(5), "take reply %q", r.Text)
	v := make([]int64, 5)
	for i, s := range r.Fields {
		v[i], _ = strconv.ParseInt(s, 10, 64)
	}
	return kernel.SigInfo{Signo: unix.Signal(v[0]), Code: int32(v[1]), Pid: int32(v[2]), Uid: uint32(v[3]), Value: int32(v[4])}, nil
}

// PendingSignals asks a RoleSigwait helper which HeldSignals thread tid
// could take now: those queued for it and those queued for the process.
// Since they are blocked everywhere, this is every one sent and not taken.
func PendingSignals(ctx context.Context, c *Child, tid int) []unix.Signal {
	GinkgoHelper()
	r := c.MustCall(ctx, fmt.Sprintf("pending %d", tid))
	var got []unix.Signal
	for _, f := range r.Fields {
		n, _ := strconv.Atoi(f)
		got = append(got, unix.Signal(n))
	}
	return got
}
