package pollroles

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
	"github.com/pidfdconf/pidfdconf/internal/timescale"
)

// startRole starts the binary of role name in that role as a plain
// child of the calling process: a pidfd from CLONE_PIDFD, no parent-death
// signal, its Channel at fd 3.
func startRole(name string, args ...string) (*exec.Cmd, *role.Channel, int, error) {
	exe, err := role.Executable(name)
	if err != nil {
		return nil, nil, -1, err
	}
	peer, theirs, err := role.NewChannelPair()
	if err != nil {
		return nil, nil, -1, err
	}
	defer theirs.Close()
	pidfd := -1
	cmd := exec.Command(exe, args...)
	cmd.Env = role.Environ(name)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.ExtraFiles = []*os.File{theirs}
	cmd.SysProcAttr = &syscall.SysProcAttr{PidFD: &pidfd}
	if err := cmd.Start(); err != nil {
		peer.Close()
		return nil, nil, -1, err
	}
	return cmd, peer, pidfd, nil
}

// roleMiddle starts a grandchild (role.Process) and, once it is
// ready, sends "ok <its pid>" with its pidfd and its peer socket; then it
// serves "exit <code>" (through role.Process's commands), leaving the
// grandchild to be reparented.
var roleMiddle = role.Register("poll-middle", func(p *role.Channel, _ []string) int {
	_, gcPeer, gcPidfd, err := startRole(role.Process)
	if err == nil {
		_, _, err = gcPeer.Recv(context.Background(), timescale.EventTimeout())
	}
	if err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	info, err := kernel.Fdinfo(gcPidfd)
	if err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	p.Send("ok "+info["Pid"], gcPidfd, gcPeer.Fd())
	return role.Serve(p, map[string]role.Command{
		"exit": func(req *role.Request) (string, error) {
			os.Exit(req.Int(0))
			return "", role.ErrNoReply
		},
	})
})

// Subreaper is a child subreaper (PR_SET_CHILD_SUBREAPER) that answers
// "ready <pid>" and serves:
//
//	adopt         starts a middle process (roleMiddle), takes the pidfd of
//	              its grandchild, asks waitid(P_PIDFD, WEXITED|WNOHANG)
//	              about it while the middle lives, then lets the middle exit
//	              and reaps it, so the grandchild is reparented here
//	              → ok <grandchild pid> <errno of that waitid>
//	wait <options>  waitid(P_PIDFD, grandchild, options) → ok <si_code> <si_pid> <si_status> | err
//	kill          SIGKILL through the grandchild's pidfd → ok | err
var Subreaper = role.Register("poll-subreaper", func(p *role.Channel, _ []string) int {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	gcPidfd := -1
	return role.Serve(p, map[string]role.Command{
		"adopt": func(*role.Request) (string, error) {
			mid, midPeer, midPidfd, err := startRole(roleMiddle)
			if err != nil {
				return "", err
			}
			defer midPeer.Close()
			defer unix.Close(midPidfd)
			msg, fds, err := midPeer.Recv(context.Background(), timescale.EventTimeout())
			if err != nil {
				return "", err
			}
			f := strings.Fields(msg)
			if len(f) != 2 || f[0] != "ok" || len(fds) != 2 {
				return "", fmt.Errorf("middle process answered %q with %d fds: %w", msg, len(fds), unix.EIO)
			}
			// fds[1], the grandchild's peer, stays open for good:
			// role.Process exits when its peer closes.
			gcPidfd = fds[0]
			var info unix.Siginfo
			before := unix.Waitid(unix.P_PIDFD, gcPidfd, &info, unix.WEXITED|unix.WNOHANG, nil)
			midPeer.Send("exit 0")
			if err := mid.Wait(); err != nil {
				return "", fmt.Errorf("middle process: %w", err)
			}
			return f[1] + " " + kernel.ErrnoName(before), nil
		},
		"wait": func(req *role.Request) (string, error) {
			if err := req.Want(1, 0); err != nil {
				return "", err
			}
			options, _ := strconv.ParseInt(req.Args[0], 0, 32)
			si, err := kernel.WaitidTimeout(context.Background(), gcPidfd, int(options), timescale.EventTimeout())
			return fmt.Sprintf("%d %d %d", si.Code, si.Pid, si.Status), err
		},
		"kill": func(*role.Request) (string, error) {
			return "", unix.PidfdSendSignal(gcPidfd, unix.SIGKILL, nil, 0)
		},
	})
})
