package helpers

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// probeChildEnv makes any binary that links helpers exit at once from init,
// so feature probes can create a short-lived child even inside the VM guest,
// where no role dispatcher runs.
const probeChildEnv = "PIDFDCONF_PROBE_CHILD"

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

// SelfExecutable is the path to re-execute this binary. It falls back to
// argv[0] because os.Executable needs /proc, which a no-proc kernel lacks.
func SelfExecutable() (string, error) {
	if exe, err := os.Executable(); err == nil {
		return exe, nil
	}
	if len(os.Args) > 0 && len(os.Args[0]) > 0 && os.Args[0][0] == '/' {
		return os.Args[0], nil
	}
	return "", fmt.Errorf("cannot find this binary to re-execute: no /proc/self/exe and argv[0] %q is not absolute", os.Args[0])
}
