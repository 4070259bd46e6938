package signalroles

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// Sender, given a uid and gid, drops to them at start; with no args it
// keeps its credentials (inside a pid namespace, say). It answers
// "ready <pid>", then serves sendCommands.
var Sender = role.RegisterWithC("signal-sender", runSender)

func runSender(p *role.Channel, args []string) int {
	if len(args) != 0 && len(args) != 2 {
		p.Send("err EINVAL usage: signal-sender [<uid> <gid>]")
		return 2
	}
	if len(args) == 2 {
		uid, _ := strconv.Atoi(args[0])
		gid, _ := strconv.Atoi(args[1])
		if err := role.DropPrivileges(uid, gid); err != nil {
			p.Send(role.Answer("", err))
			return 1
		}
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, sendCommands())
}

// ScopedSender restricts itself with a Landlock ruleset that scopes
// signals (LANDLOCK_SCOPE_SIGNAL) at start, on its main thread, where every
// command runs too (roles run on the main thread, see internal/role's
// init, and cmd/pidfdconf-role-c's has one thread), so each command acts
// as the confined thread. It answers "ready <pid>", then serves
// sendCommands.
var ScopedSender = role.RegisterWithC("signal-scoped-sender", func(p *role.Channel, _ []string) int {
	if err := kernel.RestrictSignalScope(); err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, sendCommands())
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
func sendCommands() map[string]role.Command {
	return map[string]role.Command{
		"send": func(req *role.Request) (string, error) {
			if err := req.Want(2, 1); err != nil {
				return "", err
			}
			return "", unix.PidfdSendSignal(req.Fds[0], unix.Signal(req.Int(0)), nil, req.Int(1))
		},
		"queue": func(req *role.Request) (string, error) {
			if err := req.Want(2, 1); err != nil {
				return "", err
			}
			sig := unix.Signal(req.Int(0))
			info := kernel.SigInfo{Signo: sig, Code: kernel.SI_QUEUE, Pid: int32(os.Getpid()), Uid: uint32(os.Getuid()), Value: int32(req.Int(1))}
			return "", unix.PidfdSendSignal(req.Fds[0], sig, info.Raw(), 0)
		},
		"kill-own-child": func(req *role.Request) (string, error) {
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
	pid, err := role.StartBlockedChild()
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
