package poll

import (
	"os"
	"strconv"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// StressEnv sets how many processes the many-process spec kills.
//
// The default is 1000 (pidfd_poll_test.c itself runs 10000): one start →
// SIGKILL → poll → reap cycle of the cheapest child this binary can start
// (StartBlockedChild, a fork+exec of the test binary) costs about 1 ms on
// the idle 2-core reference machine, so 1000 cycles keep signal and poll
// together under their 3 s (measured with `make bench`). Set
// PIDFDCONF_POLL_STRESS_N for another count. The default is divided by
// PIDFDCONF_TIME_SCALE (not below one batch), so a run under emulation takes
// about as long as a native one. Processes are started, killed, polled and
// reaped stressBatch at a time, a batch watched by one epoll set.
const (
	StressEnv     = "PIDFDCONF_POLL_STRESS_N"
	stressDefault = 1000
	stressBatch   = 100
)

func stressCount() int {
	if n, err := strconv.Atoi(os.Getenv(StressEnv)); err == nil && n > 0 {
		return n
	}
	return helpers.ScaledCount(stressDefault, stressBatch)
}

// A victim is a blocked child and its pidfd (-1 once reaped).
type victim struct {
	pid, pidfd int
}

var _ = area.Describe("epoll(7) on many pidfds", helpers.SyscallEpoll, func() {
	// Behavior: for each of many processes, kill → poll → reap works: every pidfd reports
	//           exactly EPOLLIN after SIGKILL through it, and waitid reaps a CLD_KILLED child.
	// Mirrors:  pidfd_poll_test.c "pidfd poll" (10000 iterations of fork, pidfd_open, SIGKILL, poll
	//           POLLIN, waitpid; here PIDFDCONF_POLL_STRESS_N processes, default 1000, 100 per epoll set)
	// Since:    v5.3
	It("reports EPOLLIN for every killed process", helpers.ID("reports_epollin_for_every_killed_process"), helpers.SyscallPidfdOpen, helpers.SelftestPidfdPoll, helpers.Requires(kernel.PidfdOpen, kernel.PidfdSendSignal, kernel.WaitidPidfd), func(ctx SpecContext) {
		n := stressCount()
		victims := map[int]*victim{} // by pidfd
		DeferCleanup(func() {
			for _, v := range victims {
				unix.PidfdSendSignal(v.pidfd, unix.SIGKILL, nil, 0)
				kernel.Waitid(v.pidfd, unix.WEXITED)
				unix.Close(v.pidfd)
			}
		})
		ep := helpers.NewEpoll()
		start := time.Now()
		var spawning time.Duration
		for done := 0; done < n; {
			batch := min(stressBatch, n-done)
			spawnStart := time.Now()
			for range batch {
				pid, err := helpers.StartBlockedChild()
				Expect(err).NotTo(HaveOccurred())
				fd, err := unix.PidfdOpen(pid, 0)
				if err != nil {
					syscall.Kill(pid, syscall.SIGKILL)
					var ws syscall.WaitStatus
					syscall.Wait4(pid, &ws, 0, nil)
					Fail("pidfd_open of a blocked child: " + err.Error())
				}
				victims[fd] = &victim{pid: pid, pidfd: fd}
				Expect(unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)).To(Succeed())
				Expect(ep.Add(fd, unix.EPOLLIN)).To(Succeed())
			}
			spawning += time.Since(spawnStart)
			for left := batch; left > 0; {
				events, err := ep.Wait(ctx, batch, helpers.EventTimeout())
				Expect(err).NotTo(HaveOccurred())
				Expect(events).NotTo(BeEmpty(), "%d of %d killed processes did not poll readable within %v", left, batch, helpers.EventTimeout())
				for _, ev := range events {
					v := victims[int(ev.Fd)]
					Expect(v).NotTo(BeNil(), "event for unknown fd %d", ev.Fd)
					Expect(ev.Events).To(helpers.HaveEpollEvents(unix.EPOLLIN), "pidfd of killed process %d", v.pid)
					Expect(ep.Del(v.pidfd)).To(Succeed())
					info, err := kernel.Waitid(v.pidfd, unix.WEXITED)
					Expect(err).NotTo(HaveOccurred())
					Expect(childState(info)).To(Equal(state{kernel.CLD_KILLED, v.pid, int(unix.SIGKILL)}))
					unix.Close(v.pidfd)
					delete(victims, v.pidfd)
					left--
				}
			}
			done += batch
		}
		AddReportEntry("processes", n, ReportEntryVisibilityNever)
		AddReportEntry("duration", time.Since(start).String(), ReportEntryVisibilityNever)
		AddReportEntry("spawning", spawning.String(), ReportEntryVisibilityNever)
	})
})
