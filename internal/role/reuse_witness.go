package role

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// ReuseWitness lives in a pid namespace beside the process whose number
// comes back, and asks the kernel about it from inside. Commands:
//
//	hold <pid>      pidfd_open(pid) kept as the held pidfd → ok <fdinfo Pid>
//	signal <sig>    pidfd_send_signal(held, sig) → ok | err
//	fdinfo          → ok <this namespace's /proc fdinfo text of held>
//	poll            poll(held, POLLIN, 0) → ok <revents>
//	info <mask>     PIDFD_GET_INFO(held, mask) → ok <mask> <pid> <exit_code> | err
//	inodes <pid>    fstat(held), fstat(pidfd_open(pid)) → ok <dev> <ino> <dev> <ino>
var ReuseWitness = RegisterWithC("pidns-reuse-witness", runReuseWitness)

// FileID is what identifies a file: device and inode number.
type FileID struct{ Dev, Ino uint64 }

func runReuseWitness(p *Channel, _ []string) int {
	held := -1
	p.Sendf("ready %d", os.Getpid())
	// withHeld runs f on the held pidfd, or fails with EBADF before hold.
	withHeld := func(req *Request, args int, f func() (string, error)) (string, error) {
		if err := req.Want(args, 0); err != nil {
			return "", err
		}
		if held < 0 {
			return "", fmt.Errorf("no pidfd held yet: %w", unix.EBADF)
		}
		return f()
	}
	return Serve(p, map[string]Command{
		"hold": func(req *Request) (string, error) {
			if err := req.Want(1, 0); err != nil {
				return "", err
			}
			fd, err := unix.PidfdOpen(req.Int(0), 0)
			if err != nil {
				return "", err
			}
			if held >= 0 {
				unix.Close(held)
			}
			held = fd
			info, err := kernel.Fdinfo(fd)
			return info["Pid"], err
		},
		"signal": func(req *Request) (string, error) {
			return withHeld(req, 1, func() (string, error) {
				return "", unix.PidfdSendSignal(held, unix.Signal(req.Int(0)), nil, 0)
			})
		},
		"fdinfo": func(req *Request) (string, error) {
			return withHeld(req, 0, func() (string, error) {
				data, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", held))
				return string(data), err
			})
		},
		"poll": func(req *Request) (string, error) {
			return withHeld(req, 0, func() (string, error) {
				revents, err := kernel.PollOnce(held, 0)
				return strconv.Itoa(int(revents)), err
			})
		},
		"info": func(req *Request) (string, error) {
			return withHeld(req, 1, func() (string, error) {
				mask, _ := strconv.ParseUint(req.Args[0], 10, 64)
				info, err := kernel.GetPidfdInfo(held, mask)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("%d %d %d", info.Mask, info.Pid, info.Exit_code), nil
			})
		},
		"inodes": func(req *Request) (string, error) {
			return withHeld(req, 1, func() (string, error) {
				stale, reopened, err := StaleAndReopened(held, req.Int(0))
				return fmt.Sprintf("%d %d %d %d", stale.Dev, stale.Ino, reopened.Dev, reopened.Ino), err
			})
		},
	})
}

// StaleAndReopened fstats pidfd and a pidfd opened for number now.
func StaleAndReopened(pidfd, number int) (stale, reopened FileID, err error) {
	if stale, err = fstatID(pidfd); err != nil {
		return stale, reopened, err
	}
	fd, err := unix.PidfdOpen(number, 0)
	if err != nil {
		return stale, reopened, fmt.Errorf("pidfd_open(%d): %w", number, err)
	}
	defer unix.Close(fd)
	reopened, err = fstatID(fd)
	return stale, reopened, err
}

func fstatID(fd int) (FileID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return FileID{}, fmt.Errorf("fstat(%d): %w", fd, err)
	}
	return FileID{Dev: st.Dev, Ino: st.Ino}, nil
}
