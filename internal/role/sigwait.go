package role

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// Sigwait is a helper in which HeldSignals are blocked in every thread,
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
// survives fork and execve(2). So the suites start it from a thread that
// blocks HeldSignals (helpers.StartSigwait); a helper started any other way
// blocks them on its main thread and re-executes itself once, which costs a
// second start of the binary. The role never calls
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
var Sigwait = RegisterWithC(sigwaitName, runSigwait)

const sigwaitName = "sigwait"

// HeldSignals are the signals Sigwait blocks everywhere: SIGUSR2 and
// 35..41 (glibc's SIGRTMIN+1..7). Not 32–34: the Go runtime unblocks those
// on every thread (glibc's and musl's internal signals).
var HeldSignals = []unix.Signal{unix.SIGUSR2, 35, 36, 37, 38, 39, 40, 41}

func runSigwait(p *Channel, args []string) int {
	held := kernel.SigsetOf(HeldSignals...)
	if heldEverywhere(held) != nil && os.Getenv(kernel.SigwaitMaskedEnv) == "" {
		// Stage 1: block on the main thread (locked since init) and exec.
		if err := unix.PthreadSigmask(unix.SIG_BLOCK, held, nil); err != nil {
			p.Send(replyErr(err))
			return 1
		}
		exe, err := Executable(sigwaitName)
		if err == nil {
			env := append(Environ(sigwaitName), kernel.SigwaitMaskedEnv+"=1")
			err = syscall.Exec(exe, append([]string{exe}, args...), env)
		}
		p.Send(replyErr(fmt.Errorf("re-exec with signals blocked: %w", err)))
		return 1
	}

	n := 0
	if len(args) > 0 {
		n, _ = strconv.Atoi(args[0])
	}
	leader := &OSThread{Tid: os.Getpid(), Cmds: make(chan func())}
	threads := map[int]*OSThread{leader.Tid: leader}
	for range n {
		t := StartOSThread()
		threads[t.Tid] = t
	}
	go serveSigwait(p, threads, held)
	// The main goroutine is locked to the leader thread; it runs the
	// leader's share of the commands.
	for cmd := range leader.Cmds {
		cmd()
	}
	return 0
}

// WithHeldSignalsBlocked runs f on the calling goroutine's thread, locked
// and with HeldSignals blocked for the duration, and says why it could not
// block them: the Go runtime restores the forking thread's mask in a child
// before execve(2), so every helper f starts is born with them blocked.
func WithHeldSignalsBlocked(f func()) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var old unix.Sigset_t
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, kernel.SigsetOf(HeldSignals...), &old); err != nil {
		return err
	}
	defer unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	f()
	return nil
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

func serveSigwait(p *Channel, threads map[int]*OSThread, held *unix.Sigset_t) {
	// Every thread, the leader included, must block HeldSignals.
	for _, t := range threads {
		if err := t.Run(func() error { return heldEverywhere(held) }); err != nil {
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
	named := func(req *Request, args int) (*OSThread, error) {
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
			err = t.Run(func() (err error) {
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
			err = t.Run(func() error {
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
			return "", threads[os.Getpid()].Run(func() error {
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
