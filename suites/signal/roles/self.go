package signalroles

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// SelfSignal signals itself through the PIDFD_SELF_* sentinels. It must
// be started with role.HeldSignals blocked (WithHeldSignalsBlocked), so
// that every thread blocks them and a signal stays queued until a thread
// takes it. It has the leader and one more thread, answers
// "ready <pid> <tid>", and serves:
//
//	send <tid> <pidfd> <sig>  thread tid calls pidfd_send_signal(pidfd, sig,
//	                          NULL, 0) → ok | err ERRNO
//	take <tid> <sig> <ms>     as role.Sigwait's take (helpers.TakeSignal)
//	send-handled <tid> <target> <sig>
//	                          thread tid sends itself sig, unblocked there
//	                          only, through target: "pidfd" (pidfd_open of
//	                          its process), "proc" (a /proc/self directory
//	                          fd) or a PIDFD_SELF_* value, and reads its
//	                          SigPnd, ShdPnd and the signal's disposition
//	                          before any other system call → ok <sigpnd>
//	                          <shdpnd> <handled> (the pending masks in hex;
//	                          1 when a handler ran, see sendHandled)
var SelfSignal = role.Register("signal-self", runSelfSignal)

type sentinelThread struct {
	tid  int
	cmds chan func()
}

func runSelfSignal(p *role.Channel, _ []string) int {
	// The main goroutine stays locked on the leader (internal/role's init).
	leader := &sentinelThread{tid: os.Getpid(), cmds: make(chan func())}
	other := startSelfThread()
	threads := map[int]*sentinelThread{leader.tid: leader, other.tid: other}
	go serveSelfSignal(p, threads)
	for cmd := range leader.cmds {
		cmd()
	}
	return 0
}

func startSelfThread() *sentinelThread {
	t := &sentinelThread{cmds: make(chan func())}
	ready := make(chan int)
	go func() {
		runtime.LockOSThread()
		ready <- unix.Gettid()
		for cmd := range t.cmds {
			cmd()
		}
	}()
	t.tid = <-ready
	return t
}

func (t *sentinelThread) do(f func() error) error {
	done := make(chan error, 1)
	t.cmds <- func() { done <- f() }
	return <-done
}

// blocksHeld fails unless the calling thread blocks every HeldSignal.
func blocksHeld() error {
	var cur unix.Sigset_t
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, nil, &cur); err != nil {
		return err
	}
	for _, s := range role.HeldSignals {
		if !kernel.SigsetHas(&cur, s) {
			return fmt.Errorf("thread %d does not block signal %d (start the role with WithHeldSignalsBlocked): %w", unix.Gettid(), s, unix.EIO)
		}
	}
	return nil
}

func serveSelfSignal(p *role.Channel, threads map[int]*sentinelThread) {
	var other int
	for tid, t := range threads {
		if err := t.do(blocksHeld); err != nil {
			p.Send(role.Answer("", err))
			os.Exit(1)
		}
		if tid != os.Getpid() {
			other = tid
		}
	}
	p.Sendf("ready %d %d", os.Getpid(), other)
	// Each command names the thread that runs it: "send <tid> <pidfd> <sig>"
	// calls pidfd_send_signal there, "take <tid> <sig> <ms>" sigtimedwait.
	onThread := func(req *role.Request, args int, f func(t *sentinelThread) (string, error)) (string, error) {
		t := threads[req.Int(0)]
		if err := req.Want(args, 0); err != nil || t == nil {
			return "", fmt.Errorf("bad command %q: %w", req.Args, unix.EINVAL)
		}
		return f(t)
	}
	os.Exit(role.Serve(p, map[string]role.Command{
		"send": func(req *role.Request) (string, error) {
			return onThread(req, 3, func(t *sentinelThread) (string, error) {
				return "", t.do(func() error {
					return unix.PidfdSendSignal(req.Int(1), unix.Signal(req.Int(2)), nil, 0)
				})
			})
		},
		"send-handled": func(req *role.Request) (string, error) {
			return onThread(req, 3, func(t *sentinelThread) (string, error) {
				return sendHandled(t, req.Args[1], unix.Signal(req.Int(2)))
			})
		},
		"take": func(req *role.Request) (string, error) {
			return onThread(req, 3, func(t *sentinelThread) (string, error) {
				var info kernel.SigInfo
				err := t.do(func() (err error) {
					info, err = kernel.Sigtimedwait(kernel.SigsetOf(unix.Signal(req.Int(1))), time.Duration(req.Int(2))*time.Millisecond)
					return err
				})
				return fmt.Sprintf("%d %d %d %d %d", info.Signo, info.Code, info.Pid, info.Uid, info.Value), err
			})
		},
	}))
}

// sendHandled makes thread t send itself sig through target, with the
// signal unblocked on t only (every other thread blocks it, see
// HeldSignals), and reports t's pending masks as they were right after the
// send returned, and whether a handler ran: the Go runtime's handler (which
// ignores a signal no one asked for) is installed for the duration with
// SA_RESETHAND, so the kernel resets the disposition to SIG_DFL when it
// delivers the signal (v7.3 kernel/signal.c get_signal: "if (ka->sa.sa_flags
// & SA_ONESHOT) ka->sa.sa_handler = SIG_DFL"). As t alone may take the
// signal, a reset disposition and empty pending masks right after the send
// mean t ran the handler on the send's return.
func sendHandled(t *sentinelThread, target string, sig unix.Signal) (string, error) {
	var status []byte
	var handled bool
	err := t.do(func() error {
		pidfd, closeTarget, err := selfTarget(target)
		if err != nil {
			return err
		}
		defer closeTarget()
		// Opened on t before the send: the read after it is the first
		// system call after the send returns.
		fd, err := unix.Open("/proc/thread-self/status", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		var goHandler sigaction
		if err := rtSigaction(sig, nil, &goHandler); err != nil {
			return err
		}
		oneShot := goHandler
		oneShot.Flags |= saResetHand
		if err := rtSigaction(sig, &oneShot, nil); err != nil {
			return err
		}
		defer rtSigaction(sig, &goHandler, nil)
		one := kernel.SigsetOf(sig)
		if err := unix.PthreadSigmask(unix.SIG_UNBLOCK, one, nil); err != nil {
			return err
		}
		defer unix.PthreadSigmask(unix.SIG_BLOCK, one, nil)
		var after sigaction
		status, after, err = sendThenInspect(pidfd, sig, fd)
		handled = after.Handler == 0 // SIG_DFL
		return err
	})
	if err != nil {
		return "", err
	}
	seen := 0
	if handled {
		seen = 1
	}
	return fmt.Sprintf("%s %s %d", statusField(status, "SigPnd"), statusField(status, "ShdPnd"), seen), nil
}

// saResetHand is SA_RESETHAND (include/uapi/asm-generic/signal-defs.h;
// x/sys has no name for it).
const saResetHand = 0x80000000

// sigaction is the kernel's struct sigaction for rt_sigaction(2) (the
// generic layout, x86 and arm64 alike: handler, flags, restorer, mask).
type sigaction struct {
	Handler, Flags, Restorer uintptr
	Mask                     [2]uint32
}

// rtSigaction is rt_sigaction(2) with an 8-byte signal set.
func rtSigaction(sig unix.Signal, act, old *sigaction) error {
	_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// sendThenInspect is pidfd_send_signal(pidfd, sig, NULL, 0), then read(fd)
// and the disposition of sig, back to back as raw system calls: no Go
// scheduler call (which may make system calls of its own) comes between
// them, so a signal the kernel failed to deliver on the send's return is
// still pending in what the read shows, and its disposition still the
// handler.
func sendThenInspect(pidfd int, sig unix.Signal, fd int) ([]byte, sigaction, error) {
	buf := make([]byte, 4096)
	var after sigaction
	_, _, errno := unix.RawSyscall6(unix.SYS_PIDFD_SEND_SIGNAL, uintptr(pidfd), uintptr(sig), 0, 0, 0, 0)
	n, _, rerr := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	_, _, aerr := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&after)), 8, 0, 0)
	switch {
	case errno != 0:
		return nil, after, errno
	case rerr != 0:
		return nil, after, fmt.Errorf("read /proc/thread-self/status: %w", rerr)
	case aerr != 0:
		return nil, after, fmt.Errorf("rt_sigaction: %w", aerr)
	}
	return buf[:n], after, nil
}

// selfTarget is the fd (or sentinel) through which the caller names itself,
// and what closes it.
func selfTarget(target string) (int, func(), error) {
	var fd int
	var err error
	switch target {
	case "pidfd":
		fd, err = unix.PidfdOpen(os.Getpid(), 0)
	case "proc":
		fd, err = unix.Open("/proc/self", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	default:
		sentinel, err := strconv.Atoi(target)
		return sentinel, func() {}, err
	}
	if err != nil {
		return -1, nil, err
	}
	return fd, func() { unix.Close(fd) }, nil
}

// statusField is the value of a "Name:\tvalue" line of a status file.
func statusField(status []byte, name string) string {
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "missing"
}
