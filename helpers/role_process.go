package helpers

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// RoleProcess is the general helper: a process with N extra threads that
// obeys commands from the test. It answers "ready <pid> <tid>…" at start.
//
// Commands:
//
//	exit <code>            exit_group(code)
//	exit-thread <tid>      that thread returns while locked, so it really exits
//	exit-leader            the main thread calls exit(2) while the others live
//	exec-thread <tid> <role> [args]  that thread execs this binary in role
//	ping                   ok <pid>
var RoleProcess = RegisterRole("process", runProcess)

type thread struct {
	tid  int
	cmds chan func()
}

func runProcess(p *Peer, args []string) int {
	n := 0
	if len(args) > 0 {
		n, _ = strconv.Atoi(args[0])
	}
	threads := map[int]*thread{}
	tids := []string{}
	for range n {
		t := startLockedThread()
		threads[t.tid] = t
		tids = append(tids, strconv.Itoa(t.tid))
	}
	// The main goroutine stays on the leader thread and only waits for the
	// order to exit; a goroutine on another thread serves the commands, so
	// they are still served after the leader is gone.
	leaderExit := make(chan struct{})
	go serveProcess(p, threads, leaderExit)
	p.Sendf("ready %d %s", os.Getpid(), strings.Join(tids, " "))
	<-leaderExit
	syscall.Syscall(unix.SYS_EXIT, 0, 0, 0)
	panic("exit(2) returned")
}

func serveProcess(p *Peer, threads map[int]*thread, leaderExit chan struct{}) {
	for {
		msg, _, err := p.RecvBlocking()
		if err != nil {
			os.Exit(0)
		}
		f := strings.Fields(msg)
		if len(f) == 0 {
			continue
		}
		arg := func(i int) int {
			if len(f) > i {
				v, _ := strconv.Atoi(f[i])
				return v
			}
			return 0
		}
		switch f[0] {
		case "ping":
			p.Sendf("ok %d", os.Getpid())
		case "exit":
			os.Exit(arg(1))
		case "exit-leader":
			p.Send("ok")
			close(leaderExit)
		case "exit-thread", "exec-thread":
			t, ok := threads[arg(1)]
			if !ok {
				p.Sendf("err ESRCH no helper thread %d", arg(1))
				continue
			}
			delete(threads, t.tid)
			if f[0] == "exit-thread" {
				close(t.cmds)
				p.Send("ok")
				continue
			}
			role := f[2]
			t.cmds <- func() {
				exe, _ := kernel.SelfExecutable()
				err := syscall.Exec(exe, append([]string{exe}, f[3:]...), RoleEnviron(role))
				p.Send(replyErr(err))
			}
		default:
			p.Sendf("err EINVAL unknown command %q", msg)
		}
	}
}

// startLockedThread starts a goroutine wired to its own OS thread; closing
// cmds makes it return while still locked, which ends the thread.
func startLockedThread() *thread {
	t := &thread{cmds: make(chan func())}
	ready := make(chan int)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			panic("a helper thread landed on the thread-group leader; helpers' init must keep main locked there")
		}
		ready <- unix.Gettid()
		for cmd := range t.cmds {
			cmd()
		}
	}()
	t.tid = <-ready
	return t
}
