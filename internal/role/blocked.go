package role

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// A binary that links this package blocks in init until it is killed when
// kernel.BlockChildEnv is set: the cheapest process the suites can start (no
// role, no peer, no Ginkgo), for specs that need hundreds of them. The role
// binary links it too, and is the one started when it is named.
func init() {
	if os.Getenv(kernel.BlockChildEnv) != "" {
		for {
			unix.Pause()
		}
	}
}

// StartBlockedChild starts a process that only waits to be killed (it dies
// with its parent, too); files become its fds 0, 1, …. The caller reaps it.
// On amd64 and arm64 it is a raw clone that never runs Go code (one file at most);
// elsewhere it forks and execs Binary(), and returns as soon as the exec
// has succeeded, usually before the child's Go runtime has even started.
func StartBlockedChild(files ...uintptr) (pid int, err error) {
	if kernel.HavePausingChild && len(files) <= 1 {
		fd0 := -1
		if len(files) == 1 {
			fd0 = int(files[0])
		}
		pid, err = kernel.StartBlockedProcess(fd0)
		if err != nil {
			return 0, fmt.Errorf("start blocked child: %w", err)
		}
		return pid, nil
	}
	exe, err := Binary()
	if err != nil {
		return 0, err
	}
	pid, err = syscall.ForkExec(exe, []string{exe}, &syscall.ProcAttr{
		Env:   []string{kernel.BlockChildEnv + "=1"},
		Files: files,
		Sys:   &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
	})
	if err != nil {
		return 0, fmt.Errorf("start blocked child: %w", err)
	}
	return pid, nil
}
