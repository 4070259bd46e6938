package kernel

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// A binary that links this package exits at once from init when
// probeChildEnv is set, so feature probes can create a short-lived child
// even inside the VM guest, where no role dispatcher runs.
func init() {
	if os.Getenv(probeChildEnv) != "" {
		os.Exit(0)
	}
}

type probeChild struct {
	proc  *os.Process
	pidfd int
}

func startProbeChild(attr *syscall.SysProcAttr) (*probeChild, error) {
	exe, err := SelfExecutable()
	if err != nil {
		return nil, err
	}
	if attr == nil {
		attr = &syscall.SysProcAttr{}
	}
	c := &probeChild{pidfd: -1}
	attr.PidFD = &c.pidfd
	c.proc, err = os.StartProcess(exe, []string{exe}, &os.ProcAttr{
		Env: []string{probeChildEnv + "=exit"},
		Sys: attr,
	})
	if err != nil {
		return nil, fmt.Errorf("start probe child: %w", err)
	}
	return c, nil
}

// reap waits for the child (a second call is a no-op error we ignore); the
// pidfd stays open so the probe can inspect a reaped child's pidfd.
func (c *probeChild) reap() { c.proc.Wait() }

func (c *probeChild) close() {
	c.reap()
	if c.pidfd >= 0 {
		unix.Close(c.pidfd)
	}
}
