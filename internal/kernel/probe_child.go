package kernel

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// A binary that links this package exits at once from init when
// probeChildEnv is set, so feature probes can create a short-lived child
// even inside the VM guest, where no role dispatcher runs. Two values make
// it use the socket it inherits as fd 3 first: the peer probes need a
// process that made a socket's peer credentials and is gone. A probe that
// must change the state of the process it runs in (seccomp) runs in such a
// child and answers with the exit code.
func init() {
	switch os.Getenv(probeChildEnv) {
	case "":
		return
	case probeChildListen:
		unix.Listen(probeChildSocket, 1)
	case probeChildSend:
		unix.Write(probeChildSocket, []byte("x"))
	case probeChildSeccompAddfd:
		os.Exit(seccompAddfdExitCode())
	}
	os.Exit(0)
}

// The probe child's jobs besides exiting, and the fd of its socket.
const (
	probeChildExit         = "exit"
	probeChildListen       = "listen"
	probeChildSend         = "send"
	probeChildSeccompAddfd = "seccomp-addfd"
	probeChildSocket       = 3
)

type probeChild struct {
	proc  *os.Process
	pidfd int
}

// startProbeChild starts a child that exits at once. Without attributes
// it is a raw clone (CloneExiting), which costs no start of a Go program:
// every suite process probes, and under emulation that start is 25 ms.
func startProbeChild(attr *syscall.SysProcAttr) (*probeChild, error) {
	if attr == nil {
		pid, pidfd, err := CloneExiting(unix.CLONE_PIDFD | int(unix.SIGCHLD))
		if err == nil {
			// FindProcess never fails on Unix: the clone is our child.
			proc, _ := os.FindProcess(pid)
			return &probeChild{proc: proc, pidfd: pidfd}, nil
		}
		if !errors.Is(err, ErrNoRawClone) {
			return nil, fmt.Errorf("clone(CLONE_PIDFD) of a probe child: %w", err)
		}
	}
	return startProbeChildFor(probeChildExit, nil, attr)
}

// startProbeChildFor starts a probe child for job with socket as its fd 3.
func startProbeChildFor(job string, socket *os.File, attr *syscall.SysProcAttr) (*probeChild, error) {
	exe, err := probeExecutable()
	if err != nil {
		return nil, err
	}
	if attr == nil {
		attr = &syscall.SysProcAttr{}
	}
	c := &probeChild{pidfd: -1}
	attr.PidFD = &c.pidfd
	var files []*os.File
	if socket != nil {
		files = []*os.File{nil, nil, nil, socket}
	}
	c.proc, err = os.StartProcess(exe, []string{exe}, &os.ProcAttr{
		Env:   []string{probeChildEnv + "=" + job},
		Files: files,
		Sys:   attr,
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
