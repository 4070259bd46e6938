package helpers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// A PidNS is a new pid and mount namespace with its own /proc, whose pid 1
// is a helper that starts processes at chosen pid numbers. Choosing the
// number (ns_last_pid) makes pid reuse deterministic: no fork loops.
type PidNS struct{ init *Child }

// rolePidNSInit is pid 1 of a PidNS. Commands:
//
//	spawn <pid> <role> [args]   + the new process's peer socket; pid 0 = any
//	                            → ok <pid> + its pidfd
//	reap <pid>                  → ok <wait status>
//	pidfd_open <pid> <flags>    → ok + pidfd
//	fdinfo                      + fd → ok <this ns's /proc fdinfo text>
var rolePidNSInit = RegisterRole("pidns-init", runPidNSInit)

// NewPidNS starts a pid namespace; its cleanup kills pid 1, which kills
// every process inside. Without root it nests the namespaces in a new user
// namespace where the caller is root, and skips only if that is refused.
func NewPidNS(ctx context.Context) *PidNS {
	GinkgoHelper()
	RequireFeature(kernel.PidNamespaces, kernel.Procfs)
	opts := []ChildOption{WithCloneflags(unix.CLONE_NEWPID | unix.CLONE_NEWNS)}
	if os.Geteuid() != 0 {
		opts = append(opts, AsRootInNewUserNS())
	}
	init, err := tryStartChild(ctx, rolePidNSInit, nil, opts...)
	if err != nil && os.Geteuid() != 0 && (errors.Is(err, unix.EPERM) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSPC)) {
		Skip(fmt.Sprintf("a pid namespace needs root or unprivileged user namespaces, and creating one failed: %v", err))
	}
	Expect(err).NotTo(HaveOccurred(), "start pid namespace")
	return &PidNS{init: init}
}

// AsRootInNewUserNS starts the helper in a new user namespace where it is
// root, mapped to the caller's effective uid and gid (the one mapping an
// unprivileged caller may write).
func AsRootInNewUserNS() ChildOption {
	return func(c *exec.Cmd) {
		c.SysProcAttr.Cloneflags |= unix.CLONE_NEWUSER
		c.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		c.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
		// Pdeathsig does not survive the uid change into the namespace.
		c.SysProcAttr.Pdeathsig = 0
	}
}

// Init is pid 1 of the namespace, as seen from the test.
func (ns *PidNS) Init() *Child { return ns.init }

// Spawn starts a helper in role inside the namespace with pid number pid
// (0: any). The Child's Pid is its pid in the test's namespace, NsPid the
// one inside.
func (ns *PidNS) Spawn(ctx context.Context, pid int, role string, args ...string) *Child {
	GinkgoHelper()
	peer, theirs, err := NewPeerPair()
	Expect(err).NotTo(HaveOccurred())
	cmd := strings.Join(append([]string{"spawn", strconv.Itoa(pid), role}, args...), " ")
	r, err := ns.init.Call(ctx, cmd, int(theirs.Fd()))
	theirs.Close()
	if err != nil && strings.Contains(err.Error(), "ns_last_pid") {
		peer.Close()
		Skip("choosing a pid number needs /proc/sys/kernel/ns_last_pid (CONFIG_CHECKPOINT_RESTORE): " + err.Error())
	}
	Expect(err).NotTo(HaveOccurred(), "spawn in pid namespace")
	Expect(r.Fds).To(HaveLen(1), "spawn must return the new process's pidfd")
	c := &Child{Peer: peer, ns: ns}
	c.NsPid, _ = strconv.Atoi(r.Fields[0])
	// Call closes reply fds at cleanup; the Child keeps its own copy.
	c.Pidfd, err = unix.FcntlInt(uintptr(r.Fds[0]), unix.F_DUPFD_CLOEXEC, 0)
	Expect(err).NotTo(HaveOccurred())
	info, err := kernel.Fdinfo(c.Pidfd)
	Expect(err).NotTo(HaveOccurred())
	c.Pid, _ = strconv.Atoi(info["Pid"])
	DeferCleanup(c.cleanup)
	c.awaitReady(ctx)
	return c
}

func (ns *PidNS) reap(ctx context.Context, nsPid int) (syscall.WaitStatus, error) {
	r, err := ns.init.exchange(ctx, fmt.Sprintf("reap %d", nsPid))
	if err != nil {
		return 0, err
	}
	status, _ := strconv.Atoi(r.Fields[0])
	return syscall.WaitStatus(status), nil
}

// OpenPidfd is pidfd_open(pid, flags) called inside the namespace.
func (ns *PidNS) OpenPidfd(ctx context.Context, nsPid, flags int) (int, error) {
	GinkgoHelper()
	r, err := ns.init.Call(ctx, fmt.Sprintf("pidfd_open %d %d", nsPid, flags))
	if err != nil {
		return -1, err
	}
	fd, err := unix.FcntlInt(uintptr(r.Fds[0]), unix.F_DUPFD_CLOEXEC, 0)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(unix.Close, fd)
	return fd, nil
}

// kernel.Fdinfo reads fd's fdinfo through the namespace's own /proc.
func (ns *PidNS) Fdinfo(ctx context.Context, fd int) map[string]string {
	GinkgoHelper()
	r := ns.init.MustCall(ctx, "fdinfo", fd)
	return kernel.ParseFdinfo(r.Text)
}

func runPidNSInit(p *Peer, _ []string) int {
	if err := mountFreshProc(); err != nil {
		p.Send(replyErr(err))
		return 1
	}
	procs := map[int]*os.Process{}
	p.Sendf("ready %d", os.Getpid())
	return Serve(p, map[string]Command{
		"spawn": func(req *Request) (string, error) {
			if len(req.Args) < 2 || len(req.Fds) != 1 {
				return "", fmt.Errorf("usage: spawn <pid> <role> [args] + peer fd: %w", unix.EINVAL)
			}
			proc, pidfd, err := spawnAt(req.Int(0), req.Args[1], req.Args[2:], req.Fds[0])
			if err != nil {
				return "", err
			}
			procs[proc.Pid] = proc
			req.Attach(pidfd)
			return strconv.Itoa(proc.Pid), nil
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

// spawnAt starts role at pid number want by setting ns_last_pid first; a
// runtime thread may take the number in between, so it retries a few times.
// The new process gets a copy of peerFd; the caller keeps and closes its own.
func spawnAt(want int, role string, args []string, peerFd int) (*os.Process, int, error) {
	exe, err := kernel.SelfExecutable()
	if err != nil {
		return nil, -1, err
	}
	dup, err := unix.FcntlInt(uintptr(peerFd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, -1, err
	}
	peer := os.NewFile(uintptr(dup), "peer")
	defer peer.Close()
	for range 20 {
		if want > 0 {
			if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(want-1)), 0); err != nil {
				return nil, -1, fmt.Errorf("write ns_last_pid: %w", err)
			}
		}
		pidfd := -1
		proc, err := os.StartProcess(exe, append([]string{exe}, args...), &os.ProcAttr{
			Env:   RoleEnviron(role),
			Files: []*os.File{nil, os.Stdout, os.Stderr, peer},
			Sys:   &syscall.SysProcAttr{PidFD: &pidfd},
		})
		if err != nil {
			return nil, -1, err
		}
		if want == 0 || proc.Pid == want {
			return proc, pidfd, nil
		}
		proc.Kill()
		proc.Wait()
		unix.Close(pidfd)
	}
	return nil, -1, fmt.Errorf("pid %d stayed taken in the namespace: %w", want, unix.EBUSY)
}

// RecycledPid starts a helper at pid number pid in ns, kills and reaps it,
// and returns it: its Pidfd now refers to a reaped process and the number is
// free for the next Spawn at pid.
func RecycledPid(ctx context.Context, ns *PidNS, pid int) *Child {
	GinkgoHelper()
	old := ns.Spawn(ctx, pid, RoleProcess)
	old.Kill()
	Expect(old.Reap(ctx).Signal()).To(Equal(syscall.SIGKILL))
	return old
}
