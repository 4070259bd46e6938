package role

import (
	"fmt"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// PidNSInit is pid 1 of a pid namespace (helpers.PidNS). Commands:
//
//	spawn <pid> <role> [args]   + the new process's peer socket; pid 0 = any
//	                            → ok <pid> + its pidfd
//	spawn-blocked <pid>         a StartBlockedChild process, no role, no peer
//	                            → ok <pid> + its pidfd
//	reap <pid>                  → ok <wait status>
//	pidfd_open <pid> <flags>    → ok + pidfd
//	fdinfo                      + fd → ok <this ns's /proc fdinfo text>
var PidNSInit = RegisterWithC(pidnsInitName, runPidNSInit)

const pidnsInitName = "pidns-init"

func runPidNSInit(p *Channel, _ []string) int {
	if err := mountFreshProc(); err != nil {
		p.Send(replyErr(err))
		return 1
	}
	procs := map[int]*os.Process{}
	// spawn answers a spawn command: the new process's number and pidfd.
	spawn := func(req *Request, start starter) (string, error) {
		proc, pidfd, err := spawnAt(req.Int(0), start)
		if err != nil {
			return "", err
		}
		procs[proc.Pid] = proc
		req.Attach(pidfd)
		return strconv.Itoa(proc.Pid), nil
	}
	p.Sendf("ready %d", os.Getpid())
	return Serve(p, map[string]Command{
		"spawn": func(req *Request) (string, error) {
			if len(req.Args) < 2 || len(req.Fds) != 1 {
				return "", fmt.Errorf("usage: spawn <pid> <role> [args] + peer fd: %w", unix.EINVAL)
			}
			return spawn(req, roleStarter(req.Args[1], req.Args[2:], req.Fds[0]))
		},
		"spawn-blocked": func(req *Request) (string, error) {
			if err := req.Want(1, 0); err != nil {
				return "", err
			}
			return spawn(req, startBlocked)
		},
		"reap": func(req *Request) (string, error) {
			proc := procs[req.Int(0)]
			if err := req.Want(1, 0); err != nil || proc == nil {
				return "", fmt.Errorf("reap %v: not a child of this pid 1: %w", req.Args, unix.ECHILD)
			}
			delete(procs, proc.Pid)
			state, err := proc.Wait()
			if err != nil {
				return "", err
			}
			return strconv.Itoa(int(state.Sys().(syscall.WaitStatus))), nil
		},
		"pidfd_open": func(req *Request) (string, error) {
			if err := req.Want(2, 0); err != nil {
				return "", err
			}
			fd, err := unix.PidfdOpen(req.Int(0), req.Int(1))
			if err == nil {
				req.Attach(fd)
			}
			return "", err
		},
		"fdinfo": func(req *Request) (string, error) {
			if err := req.Want(0, 1); err != nil {
				return "", err
			}
			data, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", req.Fds[0]))
			return string(data), err
		},
	})
}

// mountFreshProc gives the namespace a /proc that shows its own pids,
// without touching the parent's mounts.
func mountFreshProc() error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount /proc: %w", err)
	}
	return nil
}

// A starter forks one process and returns it with a pidfd.
type starter func() (*os.Process, int, error)

// roleStarter starts role; the new process gets a copy of peerFd, the
// caller keeps and closes its own.
func roleStarter(role string, args []string, peerFd int) starter {
	return func() (*os.Process, int, error) {
		exe, err := Executable(role)
		if err != nil {
			return nil, -1, err
		}
		dup, err := unix.FcntlInt(uintptr(peerFd), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return nil, -1, err
		}
		peer := os.NewFile(uintptr(dup), "peer")
		defer peer.Close()
		pidfd := -1
		proc, err := os.StartProcess(exe, append([]string{exe}, args...), &os.ProcAttr{
			Env:   Environ(role),
			Files: []*os.File{nil, os.Stdout, os.Stderr, peer},
			Sys:   &syscall.SysProcAttr{PidFD: &pidfd},
		})
		return proc, pidfd, err
	}
}

// startBlocked starts the cheapest process that holds a pid number: a
// clone that never runs Go code where there is one, not a Go program.
func startBlocked() (*os.Process, int, error) {
	pid, err := StartBlockedChild()
	if err != nil {
		return nil, -1, err
	}
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		unix.Kill(pid, unix.SIGKILL)
		unix.Wait4(pid, nil, 0, nil)
		return nil, -1, fmt.Errorf("pidfd_open of blocked child %d: %w", pid, err)
	}
	proc, err := os.FindProcess(pid)
	return proc, pidfd, err
}

// spawnAt starts a process with start at pid number want by setting
// ns_last_pid first; a runtime thread may take the number in between, so
// it retries a few times.
func spawnAt(want int, start starter) (*os.Process, int, error) {
	for range 20 {
		if want > 0 {
			if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(want-1)), 0); err != nil {
				return nil, -1, fmt.Errorf("write ns_last_pid: %w", err)
			}
		}
		proc, pidfd, err := start()
		if err != nil {
			return nil, -1, err
		}
		if want == 0 || proc.Pid == want {
			return proc, pidfd, nil
		}
		proc.Kill()
		proc.Wait()
		unix.Close(pidfd)
		if _, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", want)); err == nil {
			// The Go runtime started a thread between the write and the
			// fork; the thread keeps the number as long as this pid 1.
			return nil, -1, fmt.Errorf("pid %d went to a thread of pid 1: %w", want, unix.EBUSY)
		}
	}
	return nil, -1, fmt.Errorf("pid %d stayed taken in the namespace: %w", want, unix.EBUSY)
}
