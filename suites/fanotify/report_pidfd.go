package fanotify

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/suites/fanotify/roles"
)

// A listener that acts on the process behind a file access (an auditor
// that records it, a scanner that blocks or kills it) asks fanotify for a
// pidfd of that process with each event, so that the pid cannot name
// another process by the time the listener acts.
var _ = area.Describe("fanotify FAN_REPORT_PIDFD", helpers.SyscallFanotify, helpers.ManFanotify, helpers.NeedsRoot, func() {
	var group int
	var file string
	var opener *helpers.Child

	BeforeEach(func(ctx SpecContext) {
		if !kernel.HasCapability(unix.CAP_SYS_ADMIN) {
			helpers.SkipFor(outcome.Privilege, "fanotify_init(FAN_REPORT_PIDFD) needs CAP_SYS_ADMIN in the initial user namespace (capable(), which a user namespace cannot stand in for), and this run (uid %d) lacks it", unix.Geteuid())
		}
		helpers.RequireFeature(kernel.FanotifyPidfd)
		dir, err := os.MkdirTemp("", "pidfdconf-fanotify-")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, dir)
		file = filepath.Join(dir, "watched")
		Expect(os.WriteFile(file, []byte("x"), 0o644)).To(Succeed())
		group, err = unix.FanotifyInit(unix.FAN_CLASS_NOTIF|unix.FAN_REPORT_PIDFD|unix.FAN_CLOEXEC|unix.FAN_NONBLOCK, unix.O_RDONLY|unix.O_CLOEXEC)
		Expect(err).NotTo(HaveOccurred(), "fanotify_init(FAN_REPORT_PIDFD)")
		DeferCleanup(unix.Close, group)
		Expect(unix.FanotifyMark(group, unix.FAN_MARK_ADD, unix.FAN_OPEN, unix.AT_FDCWD, file)).To(Succeed())
		opener = helpers.StartChild(ctx, fanotifyroles.Opener, nil)
	})

	// openAndRead has the opener open the file and reads the event.
	openAndRead := func(ctx SpecContext, beforeRead func()) kernel.FanotifyEvent {
		GinkgoHelper()
		opener.MustCall(ctx, "open "+file)
		beforeRead()
		Expect(kernel.WaitReadable(ctx, group, helpers.EventTimeout())).NotTo(BeZero(), "no fanotify event")
		buf := make([]byte, 4096)
		n, err := unix.Read(group, buf)
		Expect(err).NotTo(HaveOccurred(), "read the fanotify group")
		e, err := kernel.ParseFanotifyEvent(buf[:n])
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(e.Close)
		Expect(e.Mask).To(BeEquivalentTo(unix.FAN_OPEN))
		Expect(e.Pid).To(BeEquivalentTo(opener.Pid))
		Expect(e.HasPidfd).To(BeTrue(), "the event carries no FAN_EVENT_INFO_TYPE_PIDFD record")
		return e
	}

	// Behavior: with FAN_REPORT_PIDFD, an event carries a FAN_EVENT_INFO_TYPE_PIDFD record
	//           holding a pidfd of the process that acted (the same pidfs inode as its own
	//           pidfd since v6.9, the same fdinfo Pid before), next to its pid in the metadata.
	// Mirrors:  LTP fanotify21; man fanotify(7)
	// Since:    v5.15
	// Relied on by: file-access auditors and on-access scanners (fanotify listeners that act on the process behind an access)
	It("reports a pidfd of the acting process", helpers.ID("reports_pidfd_of_acting_process"), helpers.LTPFanotify, func(ctx SpecContext) {
		e := openAndRead(ctx, func() {})
		Expect(e.Pidfd).To(BeNumerically(">=", 0), "pidfd record value %d", e.Pidfd)
		helpers.ExpectPidfdOf(int(e.Pidfd), opener.Pidfd, opener.Pid)
	})

	// Behavior: when the pidfd for an event cannot be created (here: the reader's fd
	//           table is full after the event's own file took the last slot), the pidfd
	//           record holds FAN_EPIDFD and the event is still delivered with its file.
	// Mirrors:  man fanotify(7)
	// Since:    v5.15
	// Relied on by: file-access auditors and on-access scanners (an event is never lost because its pidfd could not be made)
	It("reports FAN_EPIDFD when the pidfd cannot be created", helpers.ID("reports_fan_epidfd_when_pidfd_cannot_be_created"), func(ctx SpecContext) {
		reader := helpers.StartChild(ctx, fanotifyroles.CrowdedReader, nil)
		opener.MustCall(ctx, "open "+file)
		Expect(kernel.WaitReadable(ctx, group, helpers.EventTimeout())).NotTo(BeZero(), "no fanotify event")
		r := reader.MustCall(ctx, "read-crowded", group)
		Expect(r.Fields).To(Equal([]string{
			strconv.Itoa(unix.FAN_OPEN), strconv.Itoa(opener.Pid), "1", strconv.Itoa(unix.FAN_EPIDFD),
		}), "mask, pid, whether the event's file was installed, pidfd record")
	})

	// Behavior: for an acting process that has been reaped before the event is read, the pidfd record
	//           holds a pidfd that reports the process's exit (it polls readable, and PIDFD_INFO_EXIT
	//           gives its death by SIGKILL where that exists) on kernels that register the process with
	//           pidfs when the event is queued (v7.2 does, v6.18 does not); before, it holds FAN_NOPIDFD.
	// Mirrors:  man fanotify(7)
	// Since:    v5.15 (a pidfd of the reaped process by v7.2)
	// Relied on by: file-access auditors and on-access scanners (a short-lived process is still identified, never confused with a process that took its pid)
	It("reports the acting process even after it was reaped", helpers.ID("reports_acting_process_after_reaped"), func(ctx SpecContext) {
		e := openAndRead(ctx, func() {
			opener.Kill()
			Expect(opener.Reap(ctx).Signal()).To(Equal(syscall.SIGKILL))
		})
		if !kernel.Kernel().AtLeast(staleEventPidfdSince) && e.Pidfd == unix.FAN_NOPIDFD {
			return
		}
		Expect(e.Pidfd).To(BeNumerically(">=", 0), "pidfd record value %d", e.Pidfd)
		Expect(kernel.PollOnce(int(e.Pidfd), 0)).NotTo(BeZero(), "the reaped process's pidfd does not poll readable")
		if kernel.PidfdInfoExit.Present() {
			info, err := kernel.GetPidfdInfo(int(e.Pidfd), unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & unix.PIDFD_INFO_EXIT).NotTo(BeZero())
			Expect(syscall.WaitStatus(info.Exit_code).Signal()).To(Equal(syscall.SIGKILL))
		}
	})
})

// staleEventPidfdSince is a release whose fanotify hands out a pidfd of an
// acting process that is already reaped (fs/notify/fanotify:
// pidfs_register_pid_gfp when the event is queued, PIDFD_STALE when it is
// read): Debian's 7.2.13 source has it, v6.18 still answers FAN_NOPIDFD.
// The release in between that brought it is not pinned down, so kernels
// before 7.2 may answer either way.
const staleEventPidfdSince = "7.2"
