package helpers

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// KillHeldAtExit SIGKILLs c through its pidfd and holds it where it is
// being killed but still has its memory: a thread of the test traces it and
// it stops at PTRACE_EVENT_EXIT (kernel.SeizeAtExit). It returns once the
// stop is reported; cleanups detach the tracer, so the exit completes and
// c's own cleanup reaps it. The cleanup order matters: the detach is
// registered after c's cleanup, so it runs first.
func KillHeldAtExit(ctx context.Context, c *Child) {
	GinkgoHelper()
	tracer := StartThread()
	var err error
	tracer.Do(func() { err = kernel.SeizeAtExit(c.Pid) })
	if errors.Is(err, unix.EPERM) {
		skipIfYamaForbidsTracing()
		// One tracer per process: under strace -f or a debugger the
		// helper already has one, which is the run's doing, not the
		// kernel's.
		if tracer, terr := kernel.TracerPid(c.Pid); terr == nil && tracer != 0 {
			Unstageable("process %d is already traced by process %d (strace -f or a debugger around the run?), so the test cannot hold it at its exit", c.Pid, tracer)
		}
	}
	Expect(err).NotTo(HaveOccurred(), "PTRACE_SEIZE(%d, PTRACE_O_TRACEEXIT)", c.Pid)
	DeferCleanup(func() { tracer.Do(func() { unix.PtraceDetach(c.Pid) }) })
	c.Kill()
	info, err := kernel.WaitidTimeout(ctx, c.Pidfd, unix.WSTOPPED, EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "waitid for the PTRACE_EVENT_EXIT stop of %d", c.Pid)
	Expect(info.Code).To(BeEquivalentTo(kernel.CLD_TRAPPED), "%d did not stop at exit: %+v", c.Pid, info)
	Expect(info.Status).To(Equal(kernel.PtraceEventStatus(unix.PTRACE_EVENT_EXIT)), "%d stopped, but not at PTRACE_EVENT_EXIT: %+v", c.Pid, info)
}

// skipIfYamaForbidsTracing skips when Yama's ptrace_scope refuses a parent
// that lacks CAP_SYS_PTRACE (2) or everyone (3) the attach to its child.
func skipIfYamaForbidsTracing() {
	GinkgoHelper()
	data, err := os.ReadFile("/proc/sys/kernel/yama/ptrace_scope")
	if err != nil {
		return
	}
	scope, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	if scope >= 3 || (scope == 2 && !kernel.HasCapability(unix.CAP_SYS_PTRACE)) {
		SkipFor(outcome.Environment, "holding a process at its exit needs ptrace, and Yama's kernel.yama.ptrace_scope is %d", scope)
	}
}
