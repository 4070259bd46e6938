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
// global number. It only ever signals its own children, through their
// pidfds. On a busy host another process may take the number between the
// reap and the fork; then it tries again with a new child, and skips with
// the count after globalReuseAttempts misses.
func ReuseGlobalPid(ctx context.Context, role string) *PidReuse {
	GinkgoHelper()
	requireGlobalPidChoice()
	var wanted, got int
	for attempt := range globalReuseAttempts {
		old := StartChild(ctx, RoleProcess, nil)
		status := recycle(ctx, old)
		successor := startAtGlobalPid(ctx, old.Pid, role)
		if successor.Pid == old.Pid {
			AddReportEntry("global pid reuse", fmt.Sprintf("pid %d, at attempt %d", old.Pid, attempt+1))
			return &PidReuse{Number: old.Pid, OldStatus: status, Successor: successor, holder: selfHolder{old.Pidfd}}
		}
		wanted, got = old.Pid, successor.Pid
		recycle(ctx, successor)
	}
	SkipFor(outcome.Environment, "a freed global pid number went to another process (or ns_last_pid was moved) before this test's fork %d times in a row (last: wanted pid %d, the fork got %d); the host forks too often to stage a global reuse",
		globalReuseAttempts, wanted, got)
	return nil
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
		SkipFor(outcome.Config, "choosing a pid number needs %s (CONFIG_CHECKPOINT_RESTORE)", nsLastPid)
	}
}

// pidNamespaceLevels is the number of pids in this process's NSpid line: 1
// in the initial pid namespace (also without CONFIG_PID_NS, which has no
// NSpid line).
func pidNamespaceLevels() int {
	GinkgoHelper()
	data, err := os.ReadFile("/proc/self/status")
	Expect(err).NotTo(HaveOccurred())
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "NSpid:"); ok {
			return len(strings.Fields(rest))
		}
	}
	return 1
}

// startAtGlobalPid starts role with ns_last_pid set to pid-1 and puts the
// counter back afterwards, so the host's later forks do not walk through
// recently freed numbers. The fork may still get another number.
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

// writeLastPid skips when ns_last_pid cannot be written for lack of
// privilege (a container's read-only /proc/sys, no CAP_CHECKPOINT_RESTORE).
func writeLastPid(n int) {
	GinkgoHelper()
	err := os.WriteFile(nsLastPid, []byte(strconv.Itoa(n)), 0)
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.EROFS) {
		SkipFor(outcome.Privilege, "choosing a global pid number needs a writable %s: %v", nsLastPid, err)
	}
	Expect(err).NotTo(HaveOccurred(), "write %s", nsLastPid)
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
