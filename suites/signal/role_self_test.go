package signal_test

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// roleSelfSignal signals itself through the PIDFD_SELF_* sentinels. It must
// be started with helpers.HeldSignals blocked (WithHeldSignalsBlocked), so
// that every thread blocks them and a signal stays queued until a thread
// takes it. It has the leader and one more thread, answers
// "ready <pid> <tid>", and serves:
//
//	send <tid> <pidfd> <sig>  thread tid calls pidfd_send_signal(pidfd, sig,
//	                          NULL, 0) → ok | err ERRNO
//	take <tid> <sig> <ms>     as RoleSigwait's take (helpers.TakeSignal)
var roleSelfSignal = helpers.RegisterRole("signal-self", runSelfSignal)

type sentinelThread struct {
	tid  int
	cmds chan func()
}

func runSelfSignal(p *helpers.Peer, _ []string) int {
	// The main goroutine stays locked on the leader (helpers' init).
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
	for _, s := range helpers.HeldSignals {
		if !kernel.SigsetHas(&cur, s) {
			return fmt.Errorf("thread %d does not block signal %d (start the role with WithHeldSignalsBlocked): %w", unix.Gettid(), s, unix.EIO)
		}
	}
	return nil
}

func serveSelfSignal(p *helpers.Peer, threads map[int]*sentinelThread) {
	var other int
	for tid, t := range threads {
		if err := t.do(blocksHeld); err != nil {
			p.Send(helpers.Answer("", err))
			os.Exit(1)
		}
		if tid != os.Getpid() {
			other = tid
		}
	}
	p.Sendf("ready %d %d", os.Getpid(), other)
	// Each command names the thread that runs it: "send <tid> <pidfd> <sig>"
	// calls pidfd_send_signal there, "take <tid> <sig> <ms>" sigtimedwait.
	onThread := func(req *helpers.Request, args int, f func(t *sentinelThread) (string, error)) (string, error) {
		t := threads[req.Int(0)]
		if err := req.Want(args, 0); err != nil || t == nil {
			return "", fmt.Errorf("bad command %q: %w", req.Args, unix.EINVAL)
		}
		return f(t)
	}
	os.Exit(helpers.Serve(p, map[string]helpers.Command{
		"send": func(req *helpers.Request) (string, error) {
			return onThread(req, 3, func(t *sentinelThread) (string, error) {
				return "", t.do(func() error {
					return unix.PidfdSendSignal(req.Int(1), unix.Signal(req.Int(2)), nil, 0)
				})
			})
		},
		"take": func(req *helpers.Request) (string, error) {
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
