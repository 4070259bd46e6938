// Package procgroup runs a command in a process group of its own that dies
// whole: cancelling its context kills the group, not only the process. A
// kernel or selftest build is make, which starts the compilers; killing
// make alone (exec.CommandContext's default) leaves them running, and a
// runner stopped with Ctrl-C or SIGTERM would orphan them.
package procgroup

import (
	"context"
	"os/exec"
	"syscall"
	"time"
)

// waitDelay bounds how long Wait waits for output pipes after the process
// is gone: a child that escaped the group may hold them.
const waitDelay = 5 * time.Second

// Command is exec.CommandContext(ctx, name, args...) in a new process group
// that cancelling ctx kills whole (SIGKILL). The caller may add to
// cmd.SysProcAttr (credentials) but must keep Setpgid.
func Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	return cmd
}
