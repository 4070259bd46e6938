package helpers

import (
	"context"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"
)

// A PidReuse is a reaped process whose pid number another process has
// taken, seen by a caller that lives in the pid namespace where the number
// came back and still holds the reaped process's pidfd. Every question goes
// through that caller, so a kernel that resolved a pidfd through the
// caller's view of its pid number would answer about the successor.
type PidReuse struct {
	Number    int                // the shared number, in the caller's namespace
	OldStatus syscall.WaitStatus // how the reaped process ended (SIGKILL)
	Successor *Child             // the process that has the number now
	holder    staleHolder
}

// A staleHolder is the caller holding the reaped process's pidfd; each
// method is one system call made by it, on that pidfd.
type staleHolder interface {
	signal(ctx context.Context, sig unix.Signal) error
	fdinfo(ctx context.Context) (map[string]string, error)
	poll(ctx context.Context) (int16, error)
	info(ctx context.Context, mask uint64) (*unix.PidfdInfo, error)
	// inodes is fstat of the stale pidfd and of a pidfd_open(Number) made now.
	inodes(ctx context.Context, number int) (stale, reopened FileID, err error)
	successorTid(s *Child) int
}

// StageReuse makes a pid reuse; the successor runs role, born with
// HeldSignals blocked (for RoleSigwait), or is a blocked process (RoleNone).
type StageReuse func(ctx context.Context, role string) *PidReuse

// reuseShapes are every staging of a reused pid number in the caller's own
// namespace: inside a new pid namespace (any privilege, through a user
// namespace), and globally in the initial namespace (root; it changes
// system-wide state, so it runs serially).
var reuseShapes = []struct {
	context     string
	decorations func() []any
	stage       StageReuse
}{
	{"when the caller is in the pid namespace where the number returns", func() []any { return []any{NeedsPidNS, IDScope("pidns_reuse")} }, ReuseInPidNS},
	{"when a global pid number is reused", func() []any { return []any{NeedsRoot, Serial, IDScope("global_reuse")} }, ReuseGlobalPid},
}

// EachReuseShape declares one Context per staging of a pid reuse; body
// declares the specs, which stage the reuse with stage.
func EachReuseShape(body func(stage StageReuse)) {
	for _, s := range reuseShapes {
		Context(s.context, append(s.decorations(), func() { body(s.stage) })...)
	}
}

// SendSignal is pidfd_send_signal(2) through the stale pidfd.
func (r *PidReuse) SendSignal(ctx context.Context, sig unix.Signal) error {
	GinkgoHelper()
	return r.holder.signal(ctx, sig)
}

// Fdinfo is the stale pidfd's fdinfo, read through the caller's /proc.
func (r *PidReuse) Fdinfo(ctx context.Context) map[string]string {
	GinkgoHelper()
	info, err := r.holder.fdinfo(ctx)
	Expect(err).NotTo(HaveOccurred(), "read fdinfo of the stale pidfd")
	return info
}

// Poll is poll(2) for POLLIN on the stale pidfd, without waiting: the old
// process was reaped before the successor started, so its state is final.
func (r *PidReuse) Poll(ctx context.Context) int16 {
	GinkgoHelper()
	revents, err := r.holder.poll(ctx)
	Expect(err).NotTo(HaveOccurred(), "poll the stale pidfd")
	return revents
}

// Info is ioctl(PIDFD_GET_INFO) with mask on the stale pidfd.
func (r *PidReuse) Info(ctx context.Context, mask uint64) (*unix.PidfdInfo, error) {
	GinkgoHelper()
	return r.holder.info(ctx, mask)
}

// Inodes are the stale pidfd's file identity and that of a pidfd the
// caller opens for the number now (the successor's), both fstat by the
// caller.
func (r *PidReuse) Inodes(ctx context.Context) (stale, reopened FileID) {
	GinkgoHelper()
	stale, reopened, err := r.holder.inodes(ctx, r.Number)
	Expect(err).NotTo(HaveOccurred(), "fstat the stale pidfd and a new pidfd for pid %d", r.Number)
	return stale, reopened
}

// SuccessorPendingSignals are the HeldSignals queued for the successor,
// which must run RoleSigwait.
func (r *PidReuse) SuccessorPendingSignals(ctx context.Context) []unix.Signal {
	GinkgoHelper()
	return PendingSignals(ctx, r.Successor, r.holder.successorTid(r.Successor))
}
