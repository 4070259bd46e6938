package open

import (
	"fmt"
	"os"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// fdinfo of a pidfd (/proc/<pid>/fdinfo/<fd>: Pid and NSpid), state by
// state. The independent source is the pid the kernel handed out when the
// process was started (os/exec, or the pid namespace's pid 1 for NSpid).
//
//	state of the process            Pid / NSpid                      spec
//	live                            its pid / its pid at each level  shows_its_pid_in_pid_and_nspid
//	zombie                          its pid                          still_shows_its_pid
//	reaped, the pidfd held          -1 / -1                          shows_minus_1_in_pid_and_nspid
//	reaped and forgotten            –                                nothing to read: no pidfd is left
//	pid number reused               -1 / -1, read where the number   recycled_pid_test.go:shows_pid_minus_1_in_fdinfo,
//	                                is in use again                  recycled_pid_test.go:*_shows_minus_1_in_pid_and_nspid
//	in a child pid namespace        outer pid / pid at every level   lists_the_pid_at_every_namespace_level_in_nspid
//	outside the reader's namespace  0 / 0                            shows_0_to_reader_whose_pid_namespace_does_not_contain
//	non-leader thread (PIDFD_THREAD) its tid                         pidfd_open_test.go:opens_it_with_pidfd_thread
//	after exec                      –                                not tried: the pid does not change with an exec

// haveFdinfoPid matches fdinfo whose Pid is pid and whose NSpid is nspid —
// or that has no NSpid line where the kernel config (or a sign apart from
// fdinfo) shows CONFIG_PID_NS off; a missing NSpid is no reason to expect
// none.
func haveFdinfoPid(pid, nspid string) OmegaMatcher {
	nsLine := HaveKeyWithValue("NSpid", nspid)
	if kernel.OptPidNS.Evidence().State == kernel.OptionOff {
		nsLine = Not(HaveKey("NSpid"))
	}
	return SatisfyAll(HaveKeyWithValue("Pid", pid), nsLine)
}

func fdinfo(fd int) map[string]string {
	GinkgoHelper()
	info, err := kernel.Fdinfo(fd)
	Expect(err).NotTo(HaveOccurred())
	return info
}

// The fdinfo of v5.5: NSpid, and Pid -1 once reaped.
var _ = area.Describe("fdinfo of a pidfd", helpers.FsFdinfo, helpers.Requires(kernel.PidfdOpen, kernel.Procfs, kernel.FdinfoReaped), func() {
	Context("for a running child", func() {
		// Behavior: a pidfd's fdinfo shows the child's pid in Pid and
		//           NSpid (NSpid exists only with CONFIG_PID_NS).
		// Mirrors:  pidfd_fdinfo_test.c "pidfd check for NSpid in fdinfo" (parent side); man proc_pid_fdinfo(5)
		// Since:    v5.5
		It("shows its pid in Pid and NSpid", helpers.ID("fdinfo_of_running_child_shows_pid_in_pid_and_nspid"), helpers.SelftestPidfdFdinfo, func() {
			child := helpers.StartBlocked()
			Expect(fdinfo(child.Pidfd)).To(haveFdinfoPid(strconv.Itoa(child.Pid), strconv.Itoa(child.Pid)))
		})
	})

	Context("for a zombie", func() {
		// Behavior: a pidfd's fdinfo still shows the pid of a child that exited but is not reaped.
		// Mirrors:  man proc_pid_fdinfo(5)
		// Since:    v5.5
		It("still shows its pid", helpers.ID("fdinfo_of_zombie_still_shows_pid"), helpers.ManProc, func(ctx SpecContext) {
			child := helpers.StartBlocked()
			child.Kill()
			helpers.AwaitZombie(ctx, child.Pidfd)
			Expect(fdinfo(child.Pidfd)).To(HaveKeyWithValue("Pid", strconv.Itoa(child.Pid)))
		})
	})

	Context("for a reaped child", func() {
		// Behavior: a pidfd's fdinfo shows -1 in Pid and NSpid once the process is reaped.
		// Mirrors:  pidfd_fdinfo_test.c "pidfd check fdinfo for dead process"
		// Since:    v5.5
		It("shows -1 in Pid and NSpid", helpers.ID("fdinfo_of_reaped_child_shows_minus_1_in_pid_and_nspid"), helpers.SelftestPidfdFdinfo, func(ctx SpecContext) {
			child := helpers.StartBlocked()
			child.Reap(ctx)
			Expect(fdinfo(child.Pidfd)).To(haveFdinfoPid("-1", "-1"))
		})
	})

	Context("across pid namespaces", helpers.NeedsPidNS, func() {
		var ns *helpers.PidNS
		BeforeEach(func(ctx SpecContext) { ns = helpers.NewPidNS(ctx) })

		// Behavior: NSpid lists the pid at every level from the reader's namespace down to the process's own.
		// Mirrors:  pidfd_fdinfo_test.c "pidfd check for NSpid in
		//           fdinfo" (NSpid: <pid>\t1 for the namespace's init)
		// Since:    v5.5
		It("lists the pid at every namespace level in NSpid", helpers.ID("lists_the_pid_at_every_namespace_level_in_nspid"), helpers.SelftestPidfdFdinfo, func(ctx SpecContext) {
			init := ns.Init()
			Expect(fdinfo(init.Pidfd)).To(HaveKeyWithValue("NSpid", fmt.Sprintf("%d\t1", init.Pid)))
			member := ns.Spawn(ctx, 0, helpers.RoleProcess)
			Expect(fdinfo(member.Pidfd)).To(haveFdinfoPid(strconv.Itoa(member.Pid), fmt.Sprintf("%d\t%d", member.Pid, member.NsPid)))
		})

		// Behavior: read through a /proc of a pid namespace the process is not in, Pid and NSpid are 0.
		// Mirrors:  pidfd_fdinfo_test.c "pidfd check for NSpid in fdinfo" (sibling namespace side: NSpid 0)
		// Since:    v5.5
		It("shows 0 to a reader whose pid namespace does not contain the process", helpers.ID("shows_0_to_reader_whose_pid_namespace_does_not_contain"), helpers.SelftestPidfdFdinfo, func(ctx SpecContext) {
			self, err := unix.PidfdOpen(os.Getpid(), 0)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(unix.Close, self)
			Expect(ns.Fdinfo(ctx, self)).To(haveFdinfoPid("0", "0"))
		})
	})
})
