package fanotifyroles

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// Opener is the acting process of the events (cmd/pidfdconf-role-c has
// it too): it answers "ready <pid>" and serves
//
//	open <path>  opens path read-only and closes it → ok
var Opener = role.RegisterWithC("fanotify-opener", func(p *role.Channel, _ []string) int {
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"open": func(req *role.Request) (string, error) {
			if err := req.Want(1, 0); err != nil {
				return "", err
			}
			fd, err := unix.Open(req.Args[0], unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				return "", err
			}
			return "", unix.Close(fd)
		},
	})
})

// CrowdedReader reads fanotify events with a full fd table. It answers
// "ready <pid>" and serves
//
//	read-crowded + a fanotify group  lowers RLIMIT_NOFILE to just above its
//	    highest open fd, fills every free slot below it but one, reads one
//	    event, and puts everything back → ok <mask> <pid> <fd ok 0|1> <pidfd>
//
// The kernel installs the event's file first and its pidfd second, so the
// file takes the last slot and the pidfd finds none. Limits are per
// process, which is why a helper does this.
var CrowdedReader = role.Register("fanotify-crowded-reader", func(p *role.Channel, _ []string) int {
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"read-crowded": func(req *role.Request) (string, error) {
			if err := req.Want(0, 1); err != nil {
				return "", err
			}
			e, err := readCrowded(req.Fds[0])
			if err != nil {
				return "", err
			}
			defer e.Close()
			fdOK := 0
			if _, err := unix.FcntlInt(uintptr(e.Fd), unix.F_GETFD, 0); e.Fd >= 0 && err == nil {
				fdOK = 1
			}
			return fmt.Sprintf("%d %d %d %d", e.Mask, e.Pid, fdOK, e.Pidfd), nil
		},
	})
})

func readCrowded(group int) (kernel.FanotifyEvent, error) {
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &old); err != nil {
		return kernel.FanotifyEvent{}, err
	}
	highest := 0
	for fd := range 1024 {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil {
			highest = fd
		}
	}
	tight := unix.Rlimit{Cur: uint64(highest) + 2, Max: old.Max}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &tight); err != nil {
		return kernel.FanotifyEvent{}, err
	}
	defer unix.Setrlimit(unix.RLIMIT_NOFILE, &old)
	var fillers []int
	defer func() {
		for _, fd := range fillers {
			unix.Close(fd)
		}
	}()
	for {
		fd, err := unix.Dup(group)
		if errors.Is(err, unix.EMFILE) {
			break
		}
		if err != nil {
			return kernel.FanotifyEvent{}, err
		}
		fillers = append(fillers, fd)
	}
	if len(fillers) == 0 {
		return kernel.FanotifyEvent{}, fmt.Errorf("no free fd below the limit %d: %w", tight.Cur, unix.EMFILE)
	}
	unix.Close(fillers[len(fillers)-1]) // the one slot left
	fillers = fillers[:len(fillers)-1]
	buf := make([]byte, 4096)
	n, err := unix.Read(group, buf)
	if err != nil {
		return kernel.FanotifyEvent{}, fmt.Errorf("read fanotify group: %w", err)
	}
	return kernel.ParseFanotifyEvent(buf[:n])
}
