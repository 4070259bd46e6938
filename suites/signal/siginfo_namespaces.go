package signal

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/signal/roles"
)

// A signal's siginfo names its sender as the receiver's namespaces see it:
// container inits and service managers log, account and authorise by
// si_pid and si_uid. Two ways to send: NULL info, where the kernel writes
// the ids (SI_USER), and an SI_QUEUE siginfo the sender wrote itself, as
// sigqueue(3) does, whose ids the kernel only rewrites across namespaces.
type infoKind int

const (
	nullInfo infoKind = iota
	queueInfo
)

// queuedValue is the sival_int every SI_QUEUE siginfo here carries; it
// arriving shows the receiver took the sender's own siginfo.
const queuedValue = 4242

// sendFromTest sends sigRT1 to pidfd from the test process.
func sendFromTest(pidfd int, kind infoKind) {
	GinkgoHelper()
	var info *unix.Siginfo
	if kind == queueInfo {
		info = kernel.SigInfo{Signo: sigRT1, Code: kernel.SI_QUEUE, Pid: int32(os.Getpid()), Uid: uint32(os.Getuid()), Value: queuedValue}.Raw()
	}
	Expect(unix.PidfdSendSignal(pidfd, sigRT1, info, 0)).To(Succeed())
}

// sendFromHelper has a signalroles.Sender helper send sigRT1 to pidfd.
func sendFromHelper(ctx SpecContext, sender *helpers.Child, pidfd int, kind infoKind) {
	GinkgoHelper()
	cmd := fmt.Sprintf("send %d 0", sigRT1)
	if kind == queueInfo {
		cmd = fmt.Sprintf("queue %d %d", sigRT1, queuedValue)
	}
	sender.MustCall(ctx, cmd, pidfd)
}

// expectSender requires a taken siginfo of kind with the sender's pid and
// uid as given.
func expectSender(got kernel.SigInfo, kind infoKind, pid int32, uid uint32) {
	GinkgoHelper()
	Expect(got.Signo).To(Equal(sigRT1))
	if kind == queueInfo {
		Expect(got.Code).To(BeEquivalentTo(kernel.SI_QUEUE), "si_code")
		Expect(got.Value).To(BeEquivalentTo(queuedValue), "sival_int")
	} else {
		Expect(got.Code).To(BeEquivalentTo(kernel.SI_USER), "si_code")
	}
	Expect(got.Pid).To(Equal(pid), "si_pid")
	Expect(got.Uid).To(Equal(uid), "si_uid")
}

// overflowUID is the uid an unmapped uid reads as (kernel.overflowuid).
func overflowUID() uint32 {
	GinkgoHelper()
	data, err := os.ReadFile("/proc/sys/kernel/overflowuid")
	Expect(err).NotTo(HaveOccurred())
	uid, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 32)
	Expect(err).NotTo(HaveOccurred())
	return uint32(uid)
}

// containerUID is the uid the test's own uid is mapped to inside a user
// namespace (helpers.MappedInNewUserNS): distinct from the test's uid
// whether that is root or not.
const containerUID = 1000

var _ = area.Describe("pidfd_send_signal(2) siginfo across namespaces", helpers.SyscallPidfdSendSignal, helpers.Requires(kernel.PidfdSendSignal), func() {
	Context("when the receiver lives in a child pid namespace", helpers.NeedsPidNS, func() {
		var ns *helpers.PidNS
		var receiver *helpers.Child
		BeforeEach(func(ctx SpecContext) {
			// Born with HeldSignals blocked, pid 1 starts a RoleSigwait
			// receiver that needs no re-exec to block them.
			helpers.WithHeldSignalsBlocked(func() { ns = helpers.NewPidNS(ctx) })
			receiver = ns.Spawn(ctx, 0, helpers.RoleSigwait)
		})

		// Behavior: the receiver sees si_pid 0 for a sender outside its pid namespace (the sender has no
		//           number there), for NULL info (SI_USER) and for an SI_QUEUE siginfo whose si_pid the
		//           sender filled in alike; and sees a sender of its own namespace by that namespace's
		//           number. si_uid is the sender's uid as the receiver's user namespace maps it.
		// Mirrors:  man pidfd_send_signal(2); man sigaction(2) (si_pid, si_uid)
		// Since:    v5.1
		// Relied on by: container inits (signal accounting); systemd (logging who signalled a unit)
		DescribeTable("reports the sender's pid as the receiver's namespace numbers it",
			func(ctx SpecContext, kind infoKind, fromInside bool) {
				var want int32
				if fromInside {
					sender := ns.Spawn(ctx, 0, signalroles.Sender)
					sendFromHelper(ctx, sender, receiver.Pidfd, kind)
					want = int32(sender.NsPid)
				} else {
					sendFromTest(receiver.Pidfd, kind)
				}
				// uid 0: the test's own uid, or the namespace's root it
				// is mapped to where NewPidNS nested a user namespace.
				expectSender(takeFrom(ctx, receiver, receiver.NsPid), kind, want, 0)
			},
			Entry("NULL info from outside: 0", helpers.ID("siginfo_null_info_from_outside_child_pidns_pid_0"), helpers.ManSigaction, nullInfo, false),
			Entry("SI_QUEUE info from outside: 0", helpers.ID("siginfo_si_queue_info_from_outside_child_pidns_pid_0"), helpers.ManSigaction, queueInfo, false),
			Entry("NULL info from inside: the sender's number there", helpers.ID("siginfo_null_info_from_inside_child_pidns_sender_number"), helpers.ManSigaction, nullInfo, true),
			Entry("SI_QUEUE info from inside: the sender's number there", helpers.ID("siginfo_si_queue_info_from_inside_child_pidns_sender_number"), helpers.ManSigaction, queueInfo, true),
		)
	})

	Context("when sender and receiver are in different user namespaces", helpers.NeedsUserNS, func() {
		// Behavior: the receiver sees si_uid as its own user namespace maps the sender's real uid: the
		//           mapped uid where its namespace maps the sender's, the overflow uid (kernel.overflowuid)
		//           where it maps nothing, and the sender's uid in the receiver's namespace for a sender
		//           inside a child user namespace; for NULL info (SI_USER) and for an SI_QUEUE siginfo
		//           whose si_uid the sender filled in with its own uid as it sees it alike.
		// Mirrors:  man pidfd_send_signal(2); man sigaction(2) (si_uid)
		// Since:    v5.1
		// Relied on by: container inits (signal accounting); systemd (logging who signalled a unit)
		DescribeTable("reports the sender's uid as the receiver's user namespace maps it",
			func(ctx SpecContext, kind infoKind, stage func(ctx SpecContext, kind infoKind) (got kernel.SigInfo, wantPid int, wantUID uint32)) {
				got, pid, uid := stage(ctx, kind)
				expectSender(got, kind, int32(pid), uid)
			},
			Entry("NULL info to a namespace that maps the sender's uid", helpers.ID("siginfo_null_info_to_namespace_that_maps_sender_uid"), helpers.ManSigaction, nullInfo, toMappedReceiver),
			Entry("SI_QUEUE info to a namespace that maps the sender's uid", helpers.ID("siginfo_si_queue_info_to_namespace_that_maps_sender_uid"), helpers.ManSigaction, queueInfo, toMappedReceiver),
			Entry("NULL info to a namespace that maps nothing", helpers.ID("siginfo_null_info_to_namespace_that_maps_nothing"), helpers.ManSigaction, nullInfo, toUnmappedReceiver),
			Entry("SI_QUEUE info to a namespace that maps nothing", helpers.ID("siginfo_si_queue_info_to_namespace_that_maps_nothing"), helpers.ManSigaction, queueInfo, toUnmappedReceiver),
			Entry("NULL info from a child user namespace", helpers.ID("siginfo_null_info_from_child_user_namespace"), helpers.ManSigaction, nullInfo, fromChildUserNS),
			Entry("SI_QUEUE info from a child user namespace", helpers.ID("siginfo_si_queue_info_from_child_user_namespace"), helpers.ManSigaction, queueInfo, fromChildUserNS),
		)
	})
})

// receiverInUserNS starts a RoleSigwait helper in a new user namespace
// with the given mapping (helpers.MappedInNewUserNS or UnmappedInNewUserNS).
func receiverInUserNS(ctx SpecContext, mapping helpers.ChildOption) *helpers.Child {
	GinkgoHelper()
	var c *helpers.Child
	helpers.WithHeldSignalsBlocked(func() { c = helpers.StartChildInUserNS(ctx, helpers.RoleSigwait, nil, mapping) })
	return c
}

// takeFrom has receiver's leader take sigRT1.
func takeFrom(ctx SpecContext, receiver *helpers.Child, nsPid int) kernel.SigInfo {
	GinkgoHelper()
	got, err := helpers.TakeSignal(ctx, receiver, nsPid, sigRT1, helpers.EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "the receiver took no signal")
	return got
}

// toMappedReceiver: the test signals a receiver whose user namespace maps
// the test's uid to containerUID.
func toMappedReceiver(ctx SpecContext, kind infoKind) (kernel.SigInfo, int, uint32) {
	r := receiverInUserNS(ctx, helpers.MappedInNewUserNS(containerUID))
	sendFromTest(r.Pidfd, kind)
	return takeFrom(ctx, r, r.Pid), os.Getpid(), containerUID
}

// toUnmappedReceiver: the test signals a receiver whose user namespace
// maps no uid at all.
func toUnmappedReceiver(ctx SpecContext, kind infoKind) (kernel.SigInfo, int, uint32) {
	helpers.RequireFeature(kernel.Procfs)
	r := receiverInUserNS(ctx, helpers.UnmappedInNewUserNS())
	sendFromTest(r.Pidfd, kind)
	return takeFrom(ctx, r, r.Pid), os.Getpid(), overflowUID()
}

// fromChildUserNS: a sender that is containerUID in a child user namespace
// signals a receiver in the test's user namespace.
func fromChildUserNS(ctx SpecContext, kind infoKind) (kernel.SigInfo, int, uint32) {
	r := helpers.StartSigwait(ctx, nil)
	sender := helpers.StartChildInUserNS(ctx, signalroles.Sender, nil, helpers.MappedInNewUserNS(containerUID))
	sendFromHelper(ctx, sender, r.Pidfd, kind)
	return takeFrom(ctx, r, r.Pid), sender.Pid, uint32(os.Getuid())
}
