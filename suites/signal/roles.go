package signal

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// roleSender, given a uid and gid, drops to them at start; with no args it
// keeps its credentials (inside a pid namespace, say). It answers
// "ready <pid>", then serves sendCommands.
var roleSender = helpers.RegisterRole("signal-sender", runSender)

func runSender(p *helpers.Channel, args []string) int {
	if len(args) != 0 && len(args) != 2 {
		p.Send("err EINVAL usage: signal-sender [<uid> <gid>]")
		return 2
	}
	if len(args) == 2 {
		uid, _ := strconv.Atoi(args[0])
		gid, _ := strconv.Atoi(args[1])
		if err := helpers.DropPrivileges(uid, gid); err != nil {
			p.Send(helpers.Answer("", err))
			return 1
		}
	}
	p.Sendf("ready %d", os.Getpid())
	return helpers.Serve(p, sendCommands())
}

// roleScopedSender restricts itself with a Landlock ruleset that scopes
// signals (LANDLOCK_SCOPE_SIGNAL) at start, on its main thread, where every
// command runs too (roles run on the main thread, see helpers' init), so
// each command acts as the confined thread. It answers "ready <pid>", then
// serves sendCommands.
var roleScopedSender = helpers.RegisterRole("signal-scoped-sender", func(p *helpers.Channel, _ []string) int {
	if err := kernel.RestrictSignalScope(); err != nil {
		p.Send(helpers.Answer("", err))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return helpers.Serve(p, sendCommands())
})

// sendCommands are what a signal-sending role serves:
//
//	send <sig> <flags>  + pidfd → pidfd_send_signal(pidfd, sig, NULL, flags)
//	queue <sig> <value> + pidfd → pidfd_send_signal with the siginfo sigqueue(3)
//	                            makes: SI_QUEUE, the caller's own pid and uid as
//	                            it sees them, sival_int value
//	kill-own-child            → starts a blocked child of its own (which
//	                            shares any Landlock domain it is in), sends it
//	                            SIGKILL through a pidfd and answers
//	                            "ok <wait status>"
func sendCommands() map[string]helpers.Command {
	return map[string]helpers.Command{
		"send": func(req *helpers.Request) (string, error) {
			if err := req.Want(2, 1); err != nil {
				return "", err
			}
			return "", unix.PidfdSendSignal(req.Fds[0], unix.Signal(req.Int(0)), nil, req.Int(1))
		},
		"queue": func(req *helpers.Request) (string, error) {
			if err := req.Want(2, 1); err != nil {
				return "", err
			}
			sig := unix.Signal(req.Int(0))
			info := kernel.SigInfo{Signo: sig, Code: kernel.SI_QUEUE, Pid: int32(os.Getpid()), Uid: uint32(os.Getuid()), Value: int32(req.Int(1))}
			return "", unix.PidfdSendSignal(req.Fds[0], sig, info.Raw(), 0)
		},
		"kill-own-child": func(req *helpers.Request) (string, error) {
			if err := req.Want(0, 0); err != nil {
				return "", err
			}
			return killOwnChild()
		},
	}
}

// killOwnChild forks a blocked child on the calling thread, sends it
// SIGKILL through a pidfd and reaps it, answering its wait status. A refused
// send is the answer; the child is then killed by pid and reaped all the same.
func killOwnChild() (string, error) {
	pid, err := helpers.StartBlockedChild()
	if err != nil {
		return "", err
	}
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err == nil {
		err = unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0)
		unix.Close(pidfd)
	}
	if err != nil {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	var status syscall.WaitStatus
	if _, werr := syscall.Wait4(pid, &status, 0, nil); err == nil {
		err = werr
	}
	return strconv.Itoa(int(status)), err
}
