package helpers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// nsLastPid is the last pid number the caller's pid namespace handed out;
// writing n makes the next fork get n+1 if that number is free.
const nsLastPid = "/proc/sys/kernel/ns_last_pid"

// globalReuseAttempts bounds how often ReuseGlobalPid tries again when
// another process on the host takes the freed number first.
const globalReuseAttempts = 10

// ReuseGlobalPid stages the reuse in the initial pid namespace, with the
// test process as the caller: a child of the test is killed and reaped
// while the test keeps its pidfd, and a new child in role takes the same
// global number. The old child is a Blocked process: it only has to hold
// the number, so it costs a clone, not a helper's start. It only ever
// signals its own children, through their pidfds. On a busy host another
// process may take the number between the reap and the fork; then it tries
// again with a new child, up to globalReuseAttempts times (see
// missedGlobalReuse for what then).
func ReuseGlobalPid(ctx context.Context, role string) *PidReuse {
	GinkgoHelper()
	requireGlobalPidChoice()
	var misses []string
	for attempt := range globalReuseAttempts {
		old := StartBlocked()
		status := old.Reap(ctx)
		successor := startAtGlobalPid(ctx, old.Pid, role)
		if successor.Pid == old.Pid {
			AddReportEntry("global pid reuse", fmt.Sprintf("pid %d, at attempt %d", old.Pid, attempt+1))
			return &PidReuse{Number: old.Pid, OldStatus: status, Successor: successor, holder: selfHolder{old.Pidfd}}
		}
		misses = append(misses, fmt.Sprintf("%d→%d", old.Pid, successor.Pid))
		recycle(ctx, successor)
	}
	missedGlobalReuse(misses)
	return nil
}

// missedGlobalReuse ends a spec whose every fork missed the freed number
// (misses: wanted→got). On a host, other processes forking in between are
// the likely cause, which the skip names with the numbers. In the VM guest
// nothing else forks, so a kernel that does not honour ns_last_pid is the
// likelier cause, and no skip may claim otherwise: the spec is unstaged.
func missedGlobalReuse(misses []string) {
	GinkgoHelper()
	evidence := fmt.Sprintf("a freed global pid number went elsewhere %d times in a row after %s was set to the number before it (wanted→got: %s)",
		len(misses), nsLastPid, strings.Join(misses, ", "))
	if kernel.InGuest() {
		Unstageable("%s, in the VM guest, where no other process forks: the kernel did not give the next fork the number ns_last_pid chose", evidence)
	}
	SkipFor(outcome.Environment, "%s; other processes on this host fork too often to stage a global reuse", evidence)
}

// requireGlobalPidChoice skips unless the test is root in the initial pid
// namespace, where ns_last_pid chooses global numbers.
func requireGlobalPidChoice() {
	GinkgoHelper()
	RequireRoot("choosing a global pid number through ns_last_pid")
	RequireFeature(kernel.Procfs)
	if levels := pidNamespaceLevels(); levels > 1 {
		SkipFor(outcome.Environment, "the test runs %d pid namespaces deep; global pid numbers are chosen only in the initial one", levels-1)
	}
	if _, err := os.Stat(nsLastPid); errors.Is(err, os.ErrNotExist) {
		SkipFor(outcome.Config, "choosing a pid number needs %s: %s", nsLastPid, optionOffOrFail(kernel.OptCheckpointRestore, nsLastPid))
	}
}

// pidNamespaceLevels is the number of pids in this process's NSpid line: 1
// in the initial pid namespace (also without CONFIG_PID_NS, which has no
// NSpid line).
func pidNamespaceLevels() int {
	GinkgoHelper()
	nspid, err := kernel.StatusField("self", "NSpid")
	if errors.Is(err, kernel.ErrNoStatusField) {
		return 1
	}
	Expect(err).NotTo(HaveOccurred())
	return len(strings.Fields(nspid))
}

// startAtGlobalPid starts role (RoleNone: a blocked process) with
// ns_last_pid set to pid-1 and puts the counter back afterwards, so the
// host's later forks do not walk through recently freed numbers. The fork
// may still get another number.
func startAtGlobalPid(ctx context.Context, pid int, role string) *Child {
	GinkgoHelper()
	before := readLastPid()
	writeLastPid(pid - 1)
	// Deferred, so a failed start restores it too; an error here is moot
	// (the write just succeeded) and a cleanup has no spec to fail.
	defer func() {
		now, _ := os.ReadFile(nsLastPid)
		n, _ := strconv.Atoi(strings.TrimSpace(string(now)))
		os.WriteFile(nsLastPid, []byte(strconv.Itoa(max(before, n))), 0)
	}()
	if role == RoleNone {
		return blockedChild(StartBlocked())
	}
	var c *Child
	WithHeldSignalsBlocked(func() { c = StartChild(ctx, role, nil) })
	return c
}

func readLastPid() int {
	GinkgoHelper()
	data, err := os.ReadFile(nsLastPid)
	Expect(err).NotTo(HaveOccurred())
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	Expect(err).NotTo(HaveOccurred(), "%s holds %q", nsLastPid, data)
	return n
}

// writeLastPid sets ns_last_pid; nsLastPidRefused says why it could not.
func writeLastPid(n int) {
	GinkgoHelper()
	if err := os.WriteFile(nsLastPid, []byte(strconv.Itoa(n)), 0); err != nil {
		nsLastPidRefused(err)
	}
}

// selfHolder is the test process holding the stale pidfd itself.
type selfHolder struct{ pidfd int }

func (h selfHolder) signal(_ context.Context, sig unix.Signal) error {
	return unix.PidfdSendSignal(h.pidfd, sig, nil, 0)
}

func (h selfHolder) fdinfo(context.Context) (map[string]string, error) {
	return kernel.Fdinfo(h.pidfd)
}

func (h selfHolder) poll(context.Context) (int16, error) { return kernel.PollOnce(h.pidfd, 0) }

func (h selfHolder) info(_ context.Context, mask uint64) (*unix.PidfdInfo, error) {
	return kernel.GetPidfdInfo(h.pidfd, mask)
}

func (h selfHolder) inodes(_ context.Context, number int) (FileID, FileID, error) {
	return role.StaleAndReopened(h.pidfd, number)
}

func (selfHolder) successorTid(s *Child) int { return s.Pid }
