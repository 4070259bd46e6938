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
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// A PidNS is a new pid and mount namespace with its own /proc, whose pid 1
// is a helper that starts processes at chosen pid numbers. Choosing the
// number (ns_last_pid) makes pid reuse deterministic: no fork loops.
type PidNS struct{ init *Child }

// rolePidNSInit is pid 1 of a PidNS (internal/role lists its commands).
var rolePidNSInit = role.PidNSInit

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
	if os.Geteuid() != 0 {
		skipIfUserNSRefused(err, "a pid namespace")
	}
	Expect(err).NotTo(HaveOccurred(), "start pid namespace")
	return &PidNS{init: init}
}

// AsRootInNewUserNS starts the child in a new user namespace where it is
// root (uid and gid 0 mapped to the caller's): how an unprivileged caller
// gets to create the other namespaces, as the kernel selftests and LTP do.
// The mapping is written to /proc/<pid>/uid_map, so it needs procfs.
func AsRootInNewUserNS() ChildOption {
	GinkgoHelper()
	RequireFeature(kernel.Procfs)
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
	c, err := ns.trySpawn(ctx, pid, role, args...)
	Expect(err).NotTo(HaveOccurred(), "spawn in pid namespace")
	return c
}

// trySpawn is Spawn for callers that try another number when this one
// stays taken (EBUSY).
func (ns *PidNS) trySpawn(ctx context.Context, pid int, role string, args ...string) (*Child, error) {
	GinkgoHelper()
	peer, theirs, err := NewChannelPair()
	Expect(err).NotTo(HaveOccurred())
	cmd := strings.Join(append([]string{"spawn", strconv.Itoa(pid), role}, args...), " ")
	c, err := ns.spawned(ctx, cmd, int(theirs.Fd()))
	theirs.Close()
	if err != nil {
		peer.Close()
		return nil, spawnRefused(err)
	}
	c.Channel = peer
	c.awaitReady(ctx)
	return c, nil
}

// trySpawnAs is trySpawn of role, or trySpawnBlocked for RoleNone.
func (ns *PidNS) trySpawnAs(ctx context.Context, pid int, role string) (*Child, error) {
	GinkgoHelper()
	if role == RoleNone {
		return ns.trySpawnBlocked(ctx, pid)
	}
	return ns.trySpawn(ctx, pid, role)
}

// trySpawnBlocked is trySpawn of a process that only holds its number
// until it is killed (StartBlockedChild): no role, no Channel, and no Go
// program to start where a clone will do.
func (ns *PidNS) trySpawnBlocked(ctx context.Context, pid int) (*Child, error) {
	GinkgoHelper()
	c, err := ns.spawned(ctx, "spawn-blocked "+strconv.Itoa(pid))
	return c, spawnRefused(err)
}

// spawned sends pid 1 a spawn command and makes a Child of the process it
// started, whose cleanup kills it and has pid 1 reap it.
func (ns *PidNS) spawned(ctx context.Context, cmd string, fds ...int) (*Child, error) {
	GinkgoHelper()
	r, err := ns.init.Call(ctx, cmd, fds...)
	if err != nil {
		return nil, err
	}
	Expect(r.Fds).To(HaveLen(1), "%s must return the new process's pidfd", cmd)
	c := &Child{ns: ns}
	c.NsPid, _ = strconv.Atoi(r.Fields[0])
	// Call closes reply fds at cleanup; the Child keeps its own copy.
	c.Pidfd, err = unix.FcntlInt(uintptr(r.Fds[0]), unix.F_DUPFD_CLOEXEC, 0)
	Expect(err).NotTo(HaveOccurred())
	info, err := kernel.Fdinfo(c.Pidfd)
	Expect(err).NotTo(HaveOccurred())
	c.Pid, _ = strconv.Atoi(info["Pid"])
	DeferCleanup(c.cleanup)
	return c, nil
}

// spawnRefused skips the spec when pid 1 could not choose the number
// (nsLastPidRefused) and returns any other error as it is.
func spawnRefused(err error) error {
	GinkgoHelper()
	if err != nil && strings.Contains(err.Error(), "write ns_last_pid") {
		nsLastPidRefused(err)
	}
	return err
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

// ReusePidNumber starts a process at pid number first in ns, calls
// whileAlive (if not nil) with the number while it lives, kills and reaps
// it, and starts role (RoleNone: a blocked process) at the same number. It
// returns the reaped process (a blocked one, without a Channel), whose
// Pidfd is now stale, its wait status and its successor. A Go runtime
// thread in the namespace (pid 1's or another helper's) can take the
// number between the ns_last_pid write and the fork and keep it for good;
// then it starts over at first+100, first+200, and so on.
func ReusePidNumber(ctx context.Context, ns *PidNS, first int, role string, whileAlive func(nsPid int)) (*Child, syscall.WaitStatus, *Child) {
	GinkgoHelper()
	return ReusePidNumberOf(ctx, ns, first, RoleNone, role, func(old *Child) {
		if whileAlive != nil {
			whileAlive(old.NsPid)
		}
	})
}

// ReusePidNumberOf is ReusePidNumber with the first process a helper in
// oldRole, for stagings that need it to do something (such as hand out a
// socket) while it lives; whileAlive gets the old helper itself.
func ReusePidNumberOf(ctx context.Context, ns *PidNS, first int, oldRole, role string, whileAlive func(old *Child)) (*Child, syscall.WaitStatus, *Child) {
	GinkgoHelper()
	var errs []error
	for pid := first; pid < first+reuseNumberTries*100; pid += 100 {
		old, err := ns.trySpawnAs(ctx, pid, oldRole)
		if err == nil {
			if whileAlive != nil {
				whileAlive(old)
			}
			status := recycle(ctx, old)
			var successor *Child
			if successor, err = ns.trySpawnAs(ctx, pid, role); err == nil {
				return old, status, successor
			}
		}
		Expect(err).To(MatchError(unix.EBUSY), "spawn at pid %d in the namespace", pid)
		errs = append(errs, err)
	}
	Unstageable("no pid number could be reused in the namespace (threads of its helpers kept taking them): %v", errors.Join(errs...))
	return nil, 0, nil
}

// reuseNumberTries bounds ReusePidNumber: a thread takes the number rarely
// (seen under TCG emulation), so several misses in a row are a failure.
const reuseNumberTries = 5

// nsLastPidRefused turns a failed write of ns_last_pid into what it says:
// ENOENT is a kernel without CONFIG_CHECKPOINT_RESTORE (which then shows
// elsewhere too, or the spec fails), EPERM or EACCES a caller without the
// privilege, EROFS a read-only /proc/sys (a container); anything else
// leaves the spec unstaged.
func nsLastPidRefused(err error) {
	GinkgoHelper()
	switch {
	case errors.Is(err, unix.ENOENT):
		SkipFor(outcome.Config, "choosing a pid number needs %s: %s", nsLastPid, optionOffOrFail(kernel.OptCheckpointRestore, nsLastPid))
	case errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES):
		SkipFor(outcome.Privilege, "choosing a pid number needs to write %s, which was refused: %v", nsLastPid, err)
	case errors.Is(err, unix.EROFS):
		SkipFor(outcome.Environment, "choosing a pid number needs to write %s, which is read-only here: %v", nsLastPid, err)
	}
	Unstageable("choosing a pid number through %s: %v", nsLastPid, err)
}

// recycle kills and reaps c, freeing its pid number, and returns its wait
// status.
func recycle(ctx context.Context, c *Child) syscall.WaitStatus {
	GinkgoHelper()
	c.Kill()
	status := c.Reap(ctx)
	Expect(status.Signal()).To(Equal(syscall.SIGKILL))
	return status
}
