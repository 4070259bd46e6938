package helpers

import (
	"context"
	"fmt"
	"os"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// reusedNsPid is the number that returns inside the namespace: above
// RESERVED_PIDS (300), as in the selftest.
const reusedNsPid = 1000

// roleReuseWitness lives in a PidNS beside the process whose number comes
// back, and asks the kernel about it from inside. Commands:
//
//	hold <pid>      pidfd_open(pid) kept as the held pidfd → ok <fdinfo Pid>
//	signal <sig>    pidfd_send_signal(held, sig) → ok | err
//	fdinfo          → ok <this namespace's /proc fdinfo text of held>
//	poll            poll(held, POLLIN, 0) → ok <revents>
//	info <mask>     PIDFD_GET_INFO(held, mask) → ok <mask> <pid> <exit_code> | err
//	inodes <pid>    fstat(held), fstat(pidfd_open(pid)) → ok <dev> <ino> <dev> <ino>
var roleReuseWitness = RegisterRole("pidns-reuse-witness", runReuseWitness)

// ReuseInPidNS stages the reuse inside a new PidNS: a witness there opens
// the pidfd of its sibling at reusedNsPid, the sibling is killed and
// reaped, and a process in role takes the number. The witness asks.
func ReuseInPidNS(ctx context.Context, role string) *PidReuse {
	GinkgoHelper()
	var ns *PidNS
	WithHeldSignalsBlocked(func() { ns = NewPidNS(ctx) })
	witness := ns.Spawn(ctx, 0, roleReuseWitness)
	_, status, successor := ReusePidNumber(ctx, ns, reusedNsPid, role, func(pid int) {
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

func runReuseWitness(p *Peer, _ []string) int {
	held := -1
	p.Sendf("ready %d", os.Getpid())
	// withHeld runs f on the held pidfd, or fails with EBADF before hold.
	withHeld := func(req *Request, args int, f func() (string, error)) (string, error) {
		if err := req.Want(args, 0); err != nil {
			return "", err
		}
		if held < 0 {
			return "", fmt.Errorf("no pidfd held yet: %w", unix.EBADF)
		}
		return f()
	}
	return Serve(p, map[string]Command{
		"hold": func(req *Request) (string, error) {
			if err := req.Want(1, 0); err != nil {
				return "", err
			}
			fd, err := unix.PidfdOpen(req.Int(0), 0)
			if err != nil {
				return "", err
			}
			if held >= 0 {
				unix.Close(held)
			}
			held = fd
			info, err := kernel.Fdinfo(fd)
			return info["Pid"], err
		},
		"signal": func(req *Request) (string, error) {
			return withHeld(req, 1, func() (string, error) {
				return "", unix.PidfdSendSignal(held, unix.Signal(req.Int(0)), nil, 0)
			})
		},
		"fdinfo": func(req *Request) (string, error) {
			return withHeld(req, 0, func() (string, error) {
				data, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", held))
				return string(data), err
			})
		},
		"poll": func(req *Request) (string, error) {
			return withHeld(req, 0, func() (string, error) {
				revents, err := kernel.PollOnce(held, 0)
				return strconv.Itoa(int(revents)), err
			})
		},
		"info": func(req *Request) (string, error) {
			return withHeld(req, 1, func() (string, error) {
				mask, _ := strconv.ParseUint(req.Args[0], 10, 64)
				info, err := kernel.GetPidfdInfo(held, mask)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("%d %d %d", info.Mask, info.Pid, info.Exit_code), nil
			})
		},
		"inodes": func(req *Request) (string, error) {
			return withHeld(req, 1, func() (string, error) {
				stale, reopened, err := staleAndReopened(held, req.Int(0))
				return fmt.Sprintf("%d %d %d %d", stale.Dev, stale.Ino, reopened.Dev, reopened.Ino), err
			})
		},
	})
}

// staleAndReopened fstats pidfd and a pidfd opened for number now.
func staleAndReopened(pidfd, number int) (stale, reopened FileID, err error) {
	if stale, err = fstatID(pidfd); err != nil {
		return stale, reopened, err
	}
	fd, err := unix.PidfdOpen(number, 0)
	if err != nil {
		return stale, reopened, fmt.Errorf("pidfd_open(%d): %w", number, err)
	}
	defer unix.Close(fd)
	reopened, err = fstatID(fd)
	return stale, reopened, err
}

func fstatID(fd int) (FileID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return FileID{}, fmt.Errorf("fstat(%d): %w", fd, err)
	}
	return FileID{Dev: st.Dev, Ino: st.Ino}, nil
}
