package kernel

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// A binary that links this package exits at once from init when
// probeChildEnv is set, so feature probes can create a short-lived child
// even inside the VM guest, where no role dispatcher runs. A probe that
// must change the state of the process it runs in names itself in the
// variable, runs in such a child and answers with the exit code.
func init() {
	switch mode := os.Getenv(probeChildEnv); mode {
	case "":
	case probeInChildSeccompAddfd:
		os.Exit(seccompAddfdExitCode())
	default:
		os.Exit(0)
	}
}

// The probes that run in a child: probeChildEnv's values.
const probeInChildSeccompAddfd = "seccomp-addfd"

type probeChild struct {
	proc  *os.Process
	pidfd int
}

func startProbeChild(attr *syscall.SysProcAttr) (*probeChild, error) {
	return startProbeChildIn(attr, "exit")
}

// startProbeChildIn starts a probe child whose init runs the probe mode.
func startProbeChildIn(attr *syscall.SysProcAttr, mode string) (*probeChild, error) {
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
		Env: []string{probeChildEnv + "=" + mode},
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
