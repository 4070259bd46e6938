package open

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/suites/open/roles"
)

// vforkFlags are glibc's pidfd_spawn(3) and posix_spawn(3) clone3 flags:
// the child borrows the parent's memory, and the parent sleeps until the
// child has executed its program or exited.
const vforkFlags = unix.CLONE_PIDFD | unix.CLONE_VFORK | unix.CLONE_VM

// vforkWithin runs a clone that suspends the calling thread until the
// child lets go of the parent's memory, and gives up on it when the spec
// ends or timeout passes: a kernel that never lets go must fail the spec,
// not hang it.
func vforkWithin[T any](ctx context.Context, clone func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := clone()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// expectExitThroughPidfd requires the pidfd to report pid's exit(code):
// POLLIN, then waitid(P_PIDFD) with that status and the child's pid.
func expectExitThroughPidfd(ctx SpecContext, pidfd, pid, code int) {
	GinkgoHelper()
	_, err := kernel.WaitPollBits(ctx, pidfd, unix.POLLIN, helpers.EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "the pidfd of child %d did not report its exit", pid)
	info, err := kernel.Waitid(pidfd, unix.WEXITED)
	Expect(err).NotTo(HaveOccurred())
	Expect(info.Code).To(BeEquivalentTo(kernel.CLD_EXITED), "%+v", info)
	Expect(info.Status).To(BeEquivalentTo(code))
	Expect(info.Pid).To(BeEquivalentTo(pid))
}

var _ = area.Describe("clone3(2) CLONE_PIDFD|CLONE_VFORK|CLONE_VM", helpers.SyscallClone3, helpers.FlagClonePidfd, helpers.FlagCloneVfork, helpers.Requires(kernel.Clone3, kernel.ClonePidfd), func() {
	BeforeEach(func() {
		helpers.RequireRawClone3()
	})

	Context("when the child executes a program", func() {
		// Behavior: clone3(CLONE_PIDFD|CLONE_VFORK|CLONE_VM) returns in the parent only once the child is
		//           executing its program: by then the exec has already taken the parent's close-on-exec
		//           fds out of the child's fd table (do_close_on_exec comes before exec_mmap releases the
		//           parent, fs/exec.c begin_new_exec), so kcmp finds no such fd in the child.
		// Mirrors:  man clone(2) (CLONE_VFORK)
		// Since:    v5.3
		// Relied on by: glibc pidfd_spawn/posix_spawn; systemd (posix_spawn of units)
		It("returns only after the child has executed its program", helpers.ID("clone_vfork_returns_only_after_child_executed_program"), helpers.ManClone, func(ctx SpecContext) {
			helpers.RequireOption(kernel.OptKcmp)
			// Close-on-exec, at a number the child's stub does not touch
			// (it makes its peer fd 3).
			probe, err := unix.FcntlInt(uintptr(helpers.OpenFile("/", unix.O_PATH)), unix.F_DUPFD_CLOEXEC, 10)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(unix.Close, probe)
			c, err := vforkWithin(ctx, func() (helpers.Clone3Child, error) {
				return helpers.Clone3Role(vforkFlags, unix.SIGCHLD, helpers.RoleProcess, nil)
			})
			Expect(err).NotTo(HaveOccurred())
			helpers.SettleClone3(c)
			_, kcmpErr := kernel.KcmpFile(os.Getpid(), c.Pid, probe, probe)
			child := &helpers.Child{Pid: c.Pid, Pidfd: c.Pidfd, Channel: c.Channel}
			Expect(child.Recv(ctx)).To(HavePrefix("ready "), "the child did not start its program")
			if errors.Is(kcmpErr, unix.EPERM) {
				// kcmp needs ptrace read access to the child, which a
				// Yama ptrace_scope above 1 withholds even from its parent.
				helpers.SkipFor(outcome.Environment, "kcmp of the test's own child was refused: %v", kcmpErr)
			}
			Expect(kcmpErr).To(helpers.BeErrno(unix.EBADF), "clone3 returned while the child still held its copy of close-on-exec fd %d: it had not reached exec yet", probe)
		})

		// Behavior: the pidfd from clone3(CLONE_PIDFD|CLONE_VFORK|CLONE_VM) refers to the
		//           child that executed its program: fdinfo names its pid, and when it exits
		//           the pidfd reports POLLIN and waitid(P_PIDFD) its exit status and pid.
		// Mirrors:  man clone(2) (CLONE_PIDFD)
		// Since:    v5.3
		// Relied on by: glibc pidfd_spawn/posix_spawn; systemd (posix_spawn of units)
		It("returns a pidfd that reports the child's exit", helpers.ID("clone_vfork_pidfd_reports_exit_when_child_executes"), helpers.SyscallWaitid, helpers.ManClone, func(ctx SpecContext) {
			c, err := vforkWithin(ctx, func() (helpers.Clone3Child, error) {
				return helpers.Clone3Role(vforkFlags, unix.SIGCHLD, helpers.RoleProcess, nil)
			})
			Expect(err).NotTo(HaveOccurred())
			helpers.SettleClone3(c)
			child := &helpers.Child{Pid: c.Pid, Pidfd: c.Pidfd, Channel: c.Channel}
			Expect(strings.Fields(child.Recv(ctx))).To(HaveExactElements("ready", strconv.Itoa(c.Pid)), "the child reports its own pid")
			if kernel.Procfs.Present() {
				Expect(fdinfo(c.Pidfd)).To(HaveKeyWithValue("Pid", strconv.Itoa(c.Pid)))
			}
			Expect(child.Channel.Send("exit 7")).To(Succeed())
			expectExitThroughPidfd(ctx, c.Pidfd, c.Pid, 7)
		})
	})

	Context("when the child exits without executing a program", func() {
		// Behavior: clone3(CLONE_PIDFD|CLONE_VFORK|CLONE_VM) of a child that calls
		//           exit(42) at once returns in the parent, and the pidfd reports
		//           POLLIN and waitid(P_PIDFD) exit status 42 with the child's pid.
		// Mirrors:  man clone(2) (CLONE_VFORK)
		// Since:    v5.3
		// Relied on by: glibc pidfd_spawn/posix_spawn (a child whose exec failed exits 127)
		It("returns once the child has exited, with a pidfd that reports the exit", helpers.ID("clone_vfork_returns_once_child_exited_without_executing"), helpers.SyscallWaitid, helpers.ManClone, func(ctx SpecContext) {
			c, err := vforkWithin(ctx, func() (kernel.Clone3Process, error) {
				return kernel.Clone3Exit(vforkFlags, unix.SIGCHLD, 42)
			})
			Expect(err).NotTo(HaveOccurred())
			helpers.SettleClone3(helpers.Clone3Child{Clone3Process: c})
			expectExitThroughPidfd(ctx, c.Pidfd, c.Pid, 42)
		})
	})
})

// glibc hands clone3 the address of its pidfd variable: where the kernel
// cannot write it, the whole clone must be undone.
var _ = area.Describe("clone3(2) CLONE_PIDFD", helpers.SyscallClone3, helpers.FlagClonePidfd, func() {
	// Behavior: clone3(CLONE_PIDFD) with a pidfd address the kernel cannot write (a
	//           read-only page) fails with EFAULT, and the child it had begun to create
	//           is gone: the caller has no child, not even a zombie, and no new fd.
	// Mirrors:  none (kernel/fork.c copy_process: a failed put_user
	//           of the pidfd unwinds through bad_fork_put_pidfd)
	// Since:    v5.3
	// Relied on by: glibc pidfd_spawn/posix_spawn
	It("fails with EFAULT for an unwritable pidfd address and leaves no child", helpers.ID("clone3_pidfd_unwritable_address_efault_leaves_no_child"), helpers.ManClone, helpers.Requires(kernel.Clone3, kernel.ClonePidfd), func(ctx SpecContext) {
		helpers.RequireRawClone3()
		prober := helpers.StartChild(ctx, openroles.BadPidfdAddress, nil)
		r := prober.MustCall(ctx, "clone")
		Expect(r.Fields).To(Equal([]string{"EFAULT", "ECHILD", "same-fd"}), "clone3 errno, then waitid(P_ALL, __WALL) errno, then whether the lowest free fd moved")
	})
})

var _ = area.Describe("clone(2) CLONE_PIDFD", helpers.SyscallClone, helpers.FlagClonePidfd, helpers.Requires(kernel.ClonePidfd), func() {
	// Behavior: the legacy clone(2) returns the pidfd through its parent_tid argument, so CLONE_PIDFD with
	//           CLONE_PARENT_SETTID fails with EINVAL; CLONE_DETACHED, ignored by clone(2) otherwise,
	//           fails with EINVAL together with CLONE_PIDFD (the bit is reserved for pidfd use).
	// Mirrors:  man clone(2) (ERRORS: CLONE_PIDFD with CLONE_PARENT_SETTID, CLONE_PIDFD with CLONE_DETACHED)
	// Since:    v5.2
	// Relied on by: glibc clone(2) wrapper and pidfd_spawn/posix_spawn
	DescribeTable("fails with EINVAL with a flag that cannot go with it",
		func(flag int) {
			pid, pidfd, err := kernel.CloneExiting(unix.CLONE_PIDFD | flag | int(unix.SIGCHLD))
			if errors.Is(err, kernel.ErrNoRawClone) {
				helpers.SkipFor(outcome.Architecture, "%v", err)
			}
			if err == nil {
				// Wrongly accepted: the child has exited; reap it.
				DeferCleanup(func() {
					unix.Wait4(pid, nil, unix.WALL, nil)
					if pidfd >= 0 {
						unix.Close(pidfd)
					}
				})
			}
			Expect(err).To(helpers.BeErrno(unix.EINVAL))
		},
		Entry("CLONE_PARENT_SETTID", helpers.ID("clone_pidfd_with_parent_settid_fails_with_einval"), helpers.ManClone, unix.CLONE_PARENT_SETTID),
		Entry("CLONE_DETACHED", helpers.ID("clone_pidfd_with_clone_detached_fails_with_einval"), helpers.ManClone, unix.CLONE_DETACHED),
	)
})
