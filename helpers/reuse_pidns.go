package helpers

import (
	"context"
	"fmt"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// reusedNsPid is the number that returns inside the namespace: above
// RESERVED_PIDS (300), as in the selftest.
const reusedNsPid = 1000

// roleReuseWitness asks about the stale pidfd from inside the namespace
// (internal/role lists its commands).
var roleReuseWitness = role.ReuseWitness

// ReuseInPidNS stages the reuse inside a new PidNS: a witness there opens
// the pidfd of its sibling at reusedNsPid, the sibling is killed and
// reaped, and a process in successorRole takes the number. The witness asks.
func ReuseInPidNS(ctx context.Context, successorRole string) *PidReuse {
	GinkgoHelper()
	var ns *PidNS
	WithHeldSignalsBlocked(func() { ns = NewPidNS(ctx) })
	witness := ns.Spawn(ctx, 0, roleReuseWitness)
	_, status, successor := ReusePidNumber(ctx, ns, reusedNsPid, successorRole, func(pid int) {
		Expect(witness.MustCall(ctx, fmt.Sprintf("hold %d", pid)).Text).To(Equal(strconv.Itoa(pid)),
			"the witness's pidfd must refer to its sibling at pid %d while it lives", pid)
	})
	return &PidReuse{Number: successor.NsPid, OldStatus: status, Successor: successor, holder: witnessHolder{witness}}
}

type witnessHolder struct{ w *Child }

func (h witnessHolder) signal(ctx context.Context, sig unix.Signal) error {
	_, err := h.w.Call(ctx, fmt.Sprintf("signal %d", sig))
	return err
}

func (h witnessHolder) fdinfo(ctx context.Context) (map[string]string, error) {
	r, err := h.w.Call(ctx, "fdinfo")
	return kernel.ParseFdinfo(r.Text), err
}

func (h witnessHolder) poll(ctx context.Context) (int16, error) {
	r, err := h.w.Call(ctx, "poll")
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseInt(r.Text, 10, 16)
	return int16(v), err
}

func (h witnessHolder) info(ctx context.Context, mask uint64) (*unix.PidfdInfo, error) {
	r, err := h.w.Call(ctx, fmt.Sprintf("info %d", mask))
	if err != nil {
		return nil, err
	}
	info := &unix.PidfdInfo{}
	_, err = fmt.Sscan(r.Text, &info.Mask, &info.Pid, &info.Exit_code)
	return info, err
}

func (h witnessHolder) inodes(ctx context.Context, number int) (stale, reopened FileID, err error) {
	r, err := h.w.Call(ctx, fmt.Sprintf("inodes %d", number))
	if err != nil {
		return stale, reopened, err
	}
	_, err = fmt.Sscan(r.Text, &stale.Dev, &stale.Ino, &reopened.Dev, &reopened.Ino)
	return stale, reopened, err
}

func (witnessHolder) successorTid(s *Child) int { return s.NsPid }
