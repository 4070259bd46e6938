package signal_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
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
		if !helpers.SigsetHas(&cur, s) {
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
	for {
		msg, _, err := p.RecvBlocking()
		if err != nil {
			os.Exit(0)
		}
		f := strings.Fields(msg)
		n := make([]int, len(f))
		for i := 1; i < len(f); i++ {
			n[i], _ = strconv.Atoi(f[i])
		}
		var t *sentinelThread
		if len(f) > 1 {
			t = threads[n[1]]
		}
		switch {
		case len(f) == 4 && f[0] == "send" && t != nil:
			p.Send(helpers.Answer("", t.do(func() error {
				return unix.PidfdSendSignal(n[2], unix.Signal(n[3]), nil, 0)
			})))
		case len(f) == 4 && f[0] == "take" && t != nil:
			var info helpers.SigInfo
			err := t.do(func() (err error) {
				info, err = helpers.Sigtimedwait(helpers.SigsetOf(unix.Signal(n[2])), time.Duration(n[3])*time.Millisecond)
				return err
			})
			p.Send(helpers.Answer(fmt.Sprintf("%d %d %d %d %d", info.Signo, info.Code, info.Pid, info.Uid, info.Value), err))
		default:
			p.Sendf("err EINVAL bad command %q", msg)
		}
	}
}
