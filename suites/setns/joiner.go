package setns

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// A joiner is the process that calls setns(2) for a spec, so the test
// process's own namespaces never change: the C helper role.Joiner, or,
// without the C program, a fork of the test process (kernel.ForkJoiner).
// The fork costs the test process far more: under TCG ~70 ms of system
// time a spec on Debian 6.12 (the page tables it copies, and the
// copy-on-write faults of the test process while the fork lives), against
// ~12 ms for the C helper's start.
type joiner struct {
	pid    int
	helper *helpers.Child // the C helper, or nil for a fork
	// A fork's: its pidfd and the control socket it serves, on which it
	// takes fd numbers, valid in it because it shares every fd the test
	// had open when it was forked.
	pidfd int
	peer  *helpers.Channel
}

func startJoiner(ctx context.Context) *joiner {
	GinkgoHelper()
	if role.CBinary(role.Joiner) != "" {
		c := helpers.StartChild(ctx, role.Joiner, nil)
		return &joiner{pid: c.Pid, helper: c}
	}
	peer, theirs, err := helpers.NewChannelPair()
	Expect(err).NotTo(HaveOccurred())
	pid, pidfd, err := kernel.ForkJoiner(int(theirs.Fd()), peer.Fd())
	theirs.Close()
	if errors.Is(err, unix.ENOSYS) {
		peer.Close()
		helpers.SkipFor(outcome.Architecture, "the single-threaded setns(2) caller exists only for amd64, 386 and arm64; running %s", runtime.GOARCH)
	}
	Expect(err).NotTo(HaveOccurred(), "fork the setns(2) caller")
	j := &joiner{pid: pid, pidfd: pidfd, peer: peer}
	DeferCleanup(j.stop)
	return j
}

// setns has the joiner call setns(fd, flags) and returns its error, if any,
// as a unix.Errno. A fork takes fd by number, a start before fd was opened
// is the caller's bug.
func (j *joiner) setns(ctx context.Context, fd, flags int) error {
	GinkgoHelper()
	if j.helper != nil {
		_, err := j.helper.Call(ctx, fmt.Sprintf("setns %d", int32(flags)), fd)
		if err == nil {
			return nil
		}
		var errno unix.Errno
		if !errors.As(err, &errno) {
			// Not a refusal of setns(2): a spec expecting one must not pass.
			Fail(fmt.Sprintf("the setns(2) caller answered no errno: %v", err))
		}
		return errno
	}
	var req [8]byte
	binary.LittleEndian.PutUint32(req[0:], uint32(fd))
	binary.LittleEndian.PutUint32(req[4:], uint32(flags))
	Expect(j.peer.Send(string(req[:]))).To(Succeed())
	reply, _, err := j.peer.Recv(ctx, helpers.EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "the setns(2) caller did not answer")
	Expect(reply).To(HaveLen(8))
	// setns(2) returns 0 or -errno; anything else is a broken reply. (A
	// plain comparison: BeNumerically once rejected -22 < 0 in a 6.1 guest
	// under TCG, through math/big's assembly.)
	switch r := int64(binary.LittleEndian.Uint64([]byte(reply))); {
	case r == 0:
		return nil
	case r < 0 && r > -4096:
		return unix.Errno(-r)
	default:
		Fail(fmt.Sprintf("setns(2) returned %d, neither 0 nor -errno", r))
		return nil
	}
}

// ns is the namespace the joiner is in for a /proc/<pid>/ns entry.
func (j *joiner) ns(name string) helpers.FileID {
	GinkgoHelper()
	return nsOf(j.pid, name)
}

// nsOf is the namespace /proc/<pid>/ns/<name> refers to.
func nsOf(pid int, name string) helpers.FileID {
	GinkgoHelper()
	var st unix.Stat_t
	Expect(unix.Stat(fmt.Sprintf("/proc/%d/ns/%s", pid, name), &st)).To(Succeed())
	return helpers.FileID{Dev: st.Dev, Ino: st.Ino}
}

func (j *joiner) stop() {
	unix.PidfdSendSignal(j.pidfd, unix.SIGKILL, nil, 0)
	kernel.Waitid(j.pidfd, unix.WEXITED)
	unix.Close(j.pidfd)
	j.peer.Close()
}
