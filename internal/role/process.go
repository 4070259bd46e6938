package role

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Process is the general helper: a process with N extra threads that
// obeys commands from the test. It answers "ready <pid> <tid>…" at start.
//
// Commands:
//
//	exit <code>            exit_group(code)
//	exit-thread <tid>      that thread returns while locked, so it really exits
//	exit-leader            the main thread calls exit(2) while the others live
//	exec-thread <tid> <role> [args]  that thread execs the binary of role in it
//	ping                   ok <pid>
var Process = RegisterWithC(processName, runProcess)

const processName = "process"

func runProcess(p *Channel, args []string) int {
	n := 0
	if len(args) > 0 {
		n, _ = strconv.Atoi(args[0])
	}
	threads := map[int]*OSThread{}
	tids := []string{}
	for range n {
		t := StartOSThread()
		threads[t.Tid] = t
		tids = append(tids, strconv.Itoa(t.Tid))
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

func serveProcess(p *Channel, threads map[int]*OSThread, leaderExit chan struct{}) {
	// takeThread removes the thread a command names from the served set.
	takeThread := func(req *Request) (*OSThread, error) {
		t, ok := threads[req.Int(0)]
		if !ok {
			return nil, fmt.Errorf("no helper thread %d: %w", req.Int(0), unix.ESRCH)
		}
		delete(threads, t.Tid)
		return t, nil
	}
	os.Exit(Serve(p, map[string]Command{
		"ping": func(*Request) (string, error) { return strconv.Itoa(os.Getpid()), nil },
		"exit": func(req *Request) (string, error) {
			os.Exit(req.Int(0))
			return "", ErrNoReply
		},
		"exit-leader": func(req *Request) (string, error) {
			req.Then(func() { close(leaderExit) })
			return "", nil
		},
		"exit-thread": func(req *Request) (string, error) {
			t, err := takeThread(req)
			if err == nil {
				close(t.Cmds)
			}
			return "", err
		},
		"exec-thread": func(req *Request) (string, error) {
			if len(req.Args) < 2 {
				return "", fmt.Errorf("usage: exec-thread <tid> <role> [args]: %w", unix.EINVAL)
			}
			t, err := takeThread(req)
			if err != nil {
				return "", err
			}
			name, args := req.Args[1], req.Args[2:]
			// Exec replaces the process on success; only a failure answers.
			t.Cmds <- func() {
				exe, err := Executable(name)
				if err == nil {
					err = syscall.Exec(exe, append([]string{exe}, args...), Environ(name))
				}
				p.Send(Answer("", err))
			}
			return "", ErrNoReply
		},
	}))
}
