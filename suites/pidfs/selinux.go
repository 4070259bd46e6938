package pidfs

import (
	"fmt"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/helpers/selinux"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// LSM independence: pidfs inodes are S_PRIVATE (as anon inodes are), so
// SELinux never mediates pidfds as files. Each confined daemon domain of
// Debian's reference policy (written before pidfs existed; pidfs inodes
// would be unlabeled_t) runs one battery of pidfd operations in
// BeforeAll; each spec asserts one of its outcomes. They guard against the
// 2024 linux-next regression: pidfds opened through dentry_open() on pidfs
// were mediated as files and SELinux denied them ("avc: denied { read write
// open } ... dev="pidfs""); 6.9-rc1 fixed it by marking pidfs inodes
// S_PRIVATE (commit b28ddcc32d8f).
var _ = area.Describe("pidfds under SELinux", helpers.NeedsSELinuxEnforcing, func() {
	for _, d := range selinux.SELinuxConfinedDomains {
		Context("in "+d.Domain, helpers.IDScope(d.Domain), Ordered, ContinueOnFailure, func() {
			var run *selinux.ConfinedRun

			BeforeAll(func(ctx SpecContext) {
				var err error
				run, err = selinux.RunConfined(ctx, d)
				Expect(err).NotTo(HaveOccurred())
			})

			// The battery opens its pidfds with pidfd_open.
			BeforeEach(func() { helpers.RequireFeature(kernel.PidfdOpen) })

			// report attaches the domain and any AVC records to the spec.
			report := func() {
				AddReportEntry("selinux-domain", run.Context())
				AddReportEntry("audit records", run.Audit)
				if len(run.AVCs) > 0 {
					AddReportEntry("avc", strings.Join(run.AVCs, "\n"))
				}
			}
			// requireEveryAVC makes a spec about AVC records unstageable
			// (MISS, no verdict) when the run could not read all of them
			// (no audit socket, a lost record): a missing record then
			// proves nothing either way.
			requireEveryAVC := func() {
				GinkgoHelper()
				if run.AuditErr != nil {
					helpers.Unstageable("the battery's audit records could not all be read: %v", run.AuditErr)
				}
			}

			succeeds := func(op string) selinux.ConfinedOp {
				GinkgoHelper()
				report()
				// Without the control below a pass would be meaningless.
				Expect(run.Context()).To(ContainSubstring(":"+d.Domain+":"),
					"the battery did not run confined in %s; output:\n%s", d.Domain, run.Output)
				r := run.Op(op)
				Expect(r.Err).NotTo(HaveOccurred(), "%s in %s", op, run.Context())
				return r
			}

			// Behavior: (control) the battery process runs in the confined daemon domain,
			//           entered from kernel_t via init_t by executing files labelled init_exec_t
			//           and <domain>_exec_t; a spec of this group can only pass if this holds.
			// Mirrors:  none (setup control: the reference policy's init_daemon_domain transitions)
			// Since:    v5.3
			It("runs the battery in the confined domain", helpers.ID("runs_the_battery_in_the_confined_domain"), helpers.FsPidfs, helpers.ManPidfs, func() {
				report()
				AddReportEntry("battery", run.Output)
				Expect(run.Op("hop-context").Detail).To(ContainSubstring(":init_t:"), "the init_exec_t hop did not run in init_t; output:\n%s", run.Output)
				Expect(run.Context()).To(ContainSubstring(":"+d.Domain+":"), "output:\n%s", run.Output)
			})

			// Behavior: (control) the policy is enforced on the domain: reading a file labelled shadow_t
			//           fails with EACCES, while a file labelled etc_t in the same directory is readable.
			// Mirrors:  none (control: the policy is enforced)
			// Since:    v5.3
			It("denies the domain reading a shadow_t file with EACCES", helpers.ID("denies_domain_reading_shadow_t_file_with_eacces"), helpers.FsPidfs, helpers.ManPidfs, func() {
				report()
				Expect(run.Context()).To(ContainSubstring(":"+d.Domain+":"), "output:\n%s", run.Output)
				Expect(run.Op("read-etc").Err).NotTo(HaveOccurred(), "control file labelled etc_t")
				Expect(run.Op("read-shadow").Err).To(helpers.BeErrno(unix.EACCES))
			})

			// Behavior: pidfd_open(2) of the calling process succeeds in a confined domain: pidfds are
			//           not mediated as files by SELinux (pidfs inodes are S_PRIVATE like anon inodes).
			// Mirrors:  none (2024 linux-next pidfs regression report; fix b28ddcc32d8f, 6.9-rc1)
			// Since:    v5.3
			It("opens a pidfd for itself", helpers.ID("opens_a_pidfd_for_itself"), helpers.SyscallPidfdOpen, helpers.FsPidfs, helpers.ManPidfdOpen, func() {
				succeeds("open-self")
			})

			// Behavior: pidfd_open(2) of a child process succeeds in a confined domain.
			// Mirrors:  none (2024 linux-next pidfs regression report)
			// Since:    v5.3
			It("opens a pidfd for a child", helpers.ID("opens_a_pidfd_for_a_child"), helpers.SyscallPidfdOpen, helpers.FsPidfs, helpers.ManPidfdOpen, func() {
				succeeds("spawn-child")
				succeeds("open-child")
			})

			// Behavior: pidfd_send_signal(2) through a pidfd succeeds in a confined
			//           domain, to itself (signal 0) and to a child (SIGKILL).
			// Mirrors:  none (2024 linux-next pidfs regression report)
			// Since:    v5.1
			It("sends signals through pidfds", helpers.ID("sends_signals_through_pidfds"), helpers.SyscallPidfdSendSignal, helpers.FsPidfs, helpers.ManPidfdSendSignal, func() {
				succeeds("signal-self")
				succeeds("signal-child")
			})

			// Behavior: poll(2) on a child's pidfd reports nothing while it runs and
			//           exactly POLLIN once it was killed, in a confined domain.
			// Mirrors:  pidfd_poll_test.c "pidfd poll" (here in a confined domain)
			// Since:    v5.3
			It("polls a child's pidfd", helpers.ID("polls_a_child_pidfd"), helpers.SyscallPoll, helpers.FsPidfs, helpers.ManPidfdOpen, func() {
				Expect(confinedRevents(succeeds("poll-alive"))).To(helpers.HavePollEvents(0))
				Expect(confinedRevents(succeeds("poll-dead"))).To(helpers.HavePollEvents(unix.POLLIN))
			})

			// Behavior: waitid(P_PIDFD) reaps the killed child through its
			//           pidfd in a confined domain (CLD_KILLED, SIGKILL).
			// Mirrors:  pidfd_wait.c global.wait_states (its SIGKILL step; here in a confined domain)
			// Since:    v5.4
			It("reaps a child with waitid(P_PIDFD)", helpers.ID("reaps_a_child_with_waitid_p_pidfd"), helpers.SyscallWaitid, helpers.FsPidfs, helpers.ManWaitid, helpers.Requires(kernel.WaitidPidfd), func() {
				Expect(succeeds("waitid").Detail).To(Equal(fmt.Sprintf("code=%d status=%d", 2 /* CLD_KILLED */, unix.SIGKILL)))
			})

			// Behavior: fstat(2) of a pidfd succeeds in a confined
			//           domain (the inode check is skipped: S_PRIVATE).
			// Mirrors:  none (pidfs inodes are S_PRIVATE, so SELinux skips
			//           the inode check: commit b28ddcc32d8f, v6.9-rc1)
			// Since:    v5.3
			It("stats the pidfd", helpers.ID("stats_the_pidfd"), helpers.SyscallFstat, helpers.FsPidfs, helpers.ManPidfs, func() {
				succeeds("fstat")
			})

			// Behavior: fstatfs(2) of a pidfd is checked against the label of the pidfd's
			//           superblock (filesystem getattr), which S_PRIVATE does not exempt: on pidfs
			//           kernels, under a policy without a pidfs label (Debian refpolicy 2.20221101:
			//           pidfs is unlabeled_t) it fails with EACCES and the kernel makes an AVC
			//           record for tclass=filesystem (read from the audit socket as an audit daemon
			//           does: the kernel log drops records past printk's rate limit); on anon-inode
			//           kernels (anon_inodefs is labelled) it succeeds with ANON_INODE_FS_MAGIC.
			// Mirrors:  none (refpolicy PR #762 / fedora-selinux PR #2050 added pidfs labels for this)
			// Since:    v5.3 (pidfs since v6.9)
			It("checks fstatfs against the pidfd's superblock label", helpers.ID("checks_fstatfs_against_the_pidfd_superblock_label"), helpers.SyscallFstat, helpers.FsPidfs, helpers.ManPidfs, func() {
				if backing() == kernel.AnonInodeBacking {
					Expect(succeeds("fstatfs").Detail).To(Equal(fmt.Sprintf("f_type=%#x", unix.ANON_INODE_FS_MAGIC)))
					return
				}
				report()
				Expect(run.Context()).To(ContainSubstring(":"+d.Domain+":"), "output:\n%s", run.Output)
				Expect(run.Op("fstatfs").Err).To(helpers.BeErrno(unix.EACCES), "fstatfs of a pidfs pidfd under a policy without a pidfs label")
				requireEveryAVC()
				Expect(run.FilesystemAVCs()).To(ContainElement(SatisfyAll(
					ContainSubstring("{ getattr }"), ContainSubstring(`dev="pidfs"`), ContainSubstring("unlabeled_t"))))
			})

			// Behavior: pidfd_getfd(2) through the caller's own pidfd
			//           duplicates its file in a confined domain.
			// Mirrors:  pidfd_getfd_test.c child.fetch_fd (here in a
			//           confined domain, through the caller's own pidfd)
			// Since:    v5.6
			It("duplicates a file with pidfd_getfd", helpers.ID("duplicates_a_file_with_pidfd_getfd"), helpers.SyscallPidfdGetfd, helpers.FsPidfs, helpers.ManPidfdGetfd, helpers.Requires(kernel.PidfdGetfd), func() {
				Expect(succeeds("getfd").Detail).To(Equal("same=true"))
			})

			// Behavior: a pidfd passed over a unix socket with SCM_RIGHTS arrives (security_file_receive
			//           allows it) as the same file and stays usable, in a confined domain.
			// Mirrors:  none (2024 linux-next pidfs regression report)
			// Since:    v5.3
			It("passes a pidfd over SCM_RIGHTS", helpers.ID("passes_a_pidfd_over_scm_rights"), helpers.FsPidfs, helpers.ManPidfdOpen, func() {
				Expect(succeeds("scm-rights").Detail).To(Equal("same=true"))
				succeeds("scm-rights-use")
			})

			// Behavior: getsockopt(SO_PEERPIDFD) on a unix socket returns
			//           a pidfd of the peer in a confined domain.
			// Mirrors:  none (SO_PEERPIDFD, 7b26952a91cf, 6.5)
			// Since:    v6.5
			It("gets the peer's pidfd with SO_PEERPIDFD", helpers.ID("gets_the_peer_pidfd_with_so_peerpidfd"), helpers.FsPidfs, helpers.ManPidfs, helpers.Requires(kernel.PeerPidfd), func() {
				Expect(succeeds("so-peerpidfd").Detail).To(Equal("same=true"))
			})

			// Behavior: the kernel makes no SELinux AVC record about a pidfd as a file (an object on
			//           pidfs or a path naming a pidfd, other than the superblock check of fstatfs)
			//           for the confined domain while the battery runs in it; every record is read
			//           from the audit socket, and other domains' records are not the battery's.
			// Mirrors:  none (the 2024 report: avc: denied { read
			//           write open } … path="pidfd:[709]" dev="pidfs")
			// Since:    v5.3
			It("logs no AVC denial about a pidfd file", helpers.ID("logs_no_avc_denial_about_a_pidfd_file"), helpers.FsPidfs, helpers.ManPidfs, func() {
				report()
				Expect(run.Context()).To(ContainSubstring(":"+d.Domain+":"), "output:\n%s", run.Output)
				requireEveryAVC()
				Expect(run.PidfdFileAVCs()).To(BeEmpty())
			})
		})
	}
})

func confinedRevents(op selinux.ConfinedOp) int16 {
	GinkgoHelper()
	v, err := strconv.ParseInt(strings.TrimPrefix(op.Detail, "revents="), 0, 32)
	Expect(err).NotTo(HaveOccurred(), "revents in %q", op.Detail)
	return int16(v)
}
