package helpers

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// RoleSigwait is a helper in which HeldSignals are blocked in every thread,
// so a signal sent to it stays queued until a thread takes it with
// rt_sigtimedwait(2). Which thread can take a signal shows where the kernel
// queued it: on one thread's private queue (tgkill-like) or on the shared
// queue of the thread group (kill-like), and the siginfo comes back whole.
//
// Why the mask must come from outside: a process-directed signal goes to
// any thread that does not block it, and the Go runtime starts threads of
// its own (sysmon, GC workers) whose masks a role cannot change; a Go
// handler on such a thread would swallow the signal. But the Go runtime
// gives every thread it ever creates the mask the process started with
// (minus signals it needs, which HeldSignals are not), and the mask
// survives fork and execve(2). So StartSigwait forks the helper from a
// thread that blocks HeldSignals; a helper started any other way (StartChild,
// PidNS.Spawn) blocks them on its main thread and re-executes itself once,
// which costs a second start of the binary. The role never calls
// signal.Notify for them, which would unblock them on one thread.
//
// Args: [threads] — extra locked threads; it answers "ready <pid> <tid>…".
//
// Commands:
//
//	take <tid> <sig> <ms>          thread tid (the pid: the leader) waits up to
//	                               ms for sig → ok <signo> <code> <pid> <uid> <value>,
//	                               or err EAGAIN when none was queued for it
//	pending <tid>                  → ok <sig>…: HeldSignals that thread could take
//	                               now (rt_sigpending(2): its own and the shared queue)
//	send-self <sig> <code> <flags> the leader sends sig with a siginfo of that
//	                               si_code (and its own pid and uid) through a
//	                               pidfd of its own process → ok | err
var RoleSigwait = RegisterRole(roleSigwaitName, runSigwait)

const roleSigwaitName = "sigwait"

// HeldSignals are the signals RoleSigwait blocks everywhere: SIGUSR2 and
// 35..41 (glibc's SIGRTMIN+1..7). Not 32–34: the Go runtime unblocks those
// on every thread (glibc's and musl's internal signals).
var HeldSignals = []unix.Signal{unix.SIGUSR2, 35, 36, 37, 38, 39, 40, 41}

func runSigwait(p *Peer, args []string) int {
	held := kernel.SigsetOf(HeldSignals...)
	if heldEverywhere(held) != nil && os.Getenv(kernel.SigwaitMaskedEnv) == "" {
		// Stage 1: block on the main thread (locked since init) and exec.
		if err := unix.PthreadSigmask(unix.SIG_BLOCK, held, nil); err != nil {
			p.Send(replyErr(err))
			return 1
		}
		exe, err := kernel.SelfExecutable()
		if err == nil {
			env := append(RoleEnviron(roleSigwaitName), kernel.SigwaitMaskedEnv+"=1")
			err = syscall.Exec(exe, append([]string{exe}, args...), env)
		}
		p.Send(replyErr(fmt.Errorf("re-exec with signals blocked: %w", err)))
		return 1
	}

	n := 0
	if len(args) > 0 {
		n, _ = strconv.Atoi(args[0])
	}
	leader := &thread{tid: os.Getpid(), cmds: make(chan func())}
	threads := map[int]*thread{leader.tid: leader}
	tids := []string{}
	for range n {
		t := startLockedThread()
		threads[t.tid] = t
		tids = append(tids, strconv.Itoa(t.tid))
	}
	go serveSigwait(p, threads, held)
	// The main goroutine is locked to the leader thread; it runs the
	// leader's share of the commands.
	for cmd := range leader.cmds {
		cmd()
	}
	return 0
}

// heldEverywhere checks the calling thread's mask.
func heldEverywhere(held *unix.Sigset_t) error {
	var cur unix.Sigset_t
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, nil, &cur); err != nil {
		return err
	}
	for _, s := range HeldSignals {
		if !kernel.SigsetHas(&cur, s) {
			return fmt.Errorf("thread %d does not block signal %d: %w", unix.Gettid(), s, unix.EIO)
		}
	}
	return nil
}

func serveSigwait(p *Peer, threads map[int]*thread, held *unix.Sigset_t) {
	// Every thread, the leader included, must block HeldSignals.
	for _, t := range threads {
		if err := onThread(t, func() error { return heldEverywhere(held) }); err != nil {
			p.Send(replyErr(err))
			os.Exit(1)
		}
	}
	var tids []string
	for tid := range threads {
		if tid != os.Getpid() {
			tids = append(tids, strconv.Itoa(tid))
		}
	}
	p.Sendf("ready %d %s", os.Getpid(), strings.Join(tids, " "))
	// named is the thread a command names, by tid (the pid: the leader).
	named := func(req *Request, args int) (*thread, error) {
		if err := req.Want(args, 0); err != nil {
			return nil, err
		}
		if t := threads[req.Int(0)]; t != nil {
			return t, nil
		}
		return nil, fmt.Errorf("no helper thread %d: %w", req.Int(0), unix.EINVAL)
	}
	os.Exit(Serve(p, map[string]Command{
		"take": func(req *Request) (string, error) {
			t, err := named(req, 3)
			if err != nil {
				return "", err
			}
			var info kernel.SigInfo
			err = onThread(t, func() (err error) {
				info, err = kernel.Sigtimedwait(kernel.SigsetOf(unix.Signal(req.Int(1))), time.Duration(req.Int(2))*time.Millisecond)
				return err
			})
			return fmt.Sprintf("%d %d %d %d %d", info.Signo, info.Code, info.Pid, info.Uid, info.Value), err
		},
		"pending": func(req *Request) (string, error) {
			t, err := named(req, 1)
			if err != nil {
				return "", err
			}
			var pending []string
			err = onThread(t, func() error {
				set, err := kernel.Sigpending()
				if err != nil {
					return err
				}
				for _, s := range HeldSignals {
					if kernel.SigsetHas(set, s) {
						pending = append(pending, strconv.Itoa(int(s)))
					}
				}
				return nil
			})
			return strings.Join(pending, " "), err
		},
		"send-self": func(req *Request) (string, error) {
			if err := req.Want(3, 0); err != nil {
				return "", err
			}
			return "", onThread(threads[os.Getpid()], func() error {
				fd, err := unix.PidfdOpen(os.Getpid(), 0)
				if err != nil {
					return err
				}
				defer unix.Close(fd)
				sig := unix.Signal(req.Int(0))
				info := kernel.SigInfo{Signo: sig, Code: int32(req.Int(1)), Pid: int32(os.Getpid()), Uid: uint32(os.Getuid())}
				return unix.PidfdSendSignal(fd, sig, info.Raw(), req.Int(2))
			})
		},
	}))
}

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
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var old unix.Sigset_t
	Expect(unix.PthreadSigmask(unix.SIG_BLOCK, kernel.SigsetOf(HeldSignals...), &old)).To(Succeed())
	defer unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	f()
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
