//go:build amd64 || 386 || arm64

package kernel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// rawChildTimeout bounds every wait for a raw child, scaled like the
// suites' waits.
func rawChildTimeout() time.Duration {
	scale, err := strconv.ParseFloat(os.Getenv(TimeScaleEnv), 64)
	if err != nil || scale < 1 {
		scale = 1
	}
	return time.Duration(scale * float64(10*time.Second))
}

// waitExited waits for the exit that pidfd reports as POLLIN and reaps the
// child through it.
func waitExited(t *testing.T, pidfd int) SigInfo {
	t.Helper()
	revents, err := PollOnce(pidfd, rawChildTimeout())
	if err != nil || revents&unix.POLLIN == 0 {
		t.Fatalf("pidfd %d: no exit within %v (revents %#x, %v)", pidfd, rawChildTimeout(), revents, err)
	}
	info, err := Waitid(pidfd, unix.WEXITED)
	if err != nil {
		t.Fatalf("waitid(P_PIDFD, %d): %v", pidfd, err)
	}
	return info
}

// expectExited requires info to be child pid's exit(status).
func expectExited(t *testing.T, info SigInfo, pid int, status int32) {
	t.Helper()
	if info.Code != CLD_EXITED || info.Status != status || int(info.Pid) != pid {
		t.Errorf("child %d: %+v; want CLD_EXITED with status %d", pid, info, status)
	}
}

// allBlocked is SigBlk in /proc/<pid>/status with every signal blocked:
// the kernel never blocks SIGKILL and SIGSTOP.
const allBlocked = "fffffffffffbfeff"

// sigBlk is the blocked-signal mask /proc/<pid>/status shows.
func sigBlk(t *testing.T, pid int) string {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "SigBlk:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("/proc/%d/status has no SigBlk line", pid)
	return ""
}

func killAndReap(pidfd int) {
	unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0)
	Waitid(pidfd, unix.WEXITED)
	unix.Close(pidfd)
}

func TestRawCloneRunsTheBody(t *testing.T) {
	cases := []struct {
		name         string
		flags, stack uintptr
	}{
		{"on a copy of our memory", 0, 0},
		{"sharing our memory", unix.CLONE_VM, childStackTop()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pid, pidfd, err := startChild(c.flags|unix.CLONE_PIDFD|uintptr(unix.SIGCHLD), c.stack, exitChildPC(), 42, 0)
			if err != nil {
				t.Fatalf("clone: %v", err)
			}
			defer unix.Close(pidfd)
			expectExited(t, waitExited(t, pidfd), pid, 42)
		})
	}
}

func TestRawCloneReturnsTheErrno(t *testing.T) {
	cases := []struct {
		name  string
		flags uintptr
	}{
		// kernel/fork.c: both would write through parent_tid.
		{"CLONE_PIDFD with CLONE_PARENT_SETTID", unix.CLONE_PIDFD | unix.CLONE_PARENT_SETTID},
		// kernel/fork.c copy_process: threads share signal handlers.
		{"CLONE_THREAD without CLONE_SIGHAND", unix.CLONE_THREAD | unix.CLONE_VM},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pid, pidfd, err := startChild(c.flags|uintptr(unix.SIGCHLD), childStackTop(), exitChildPC(), 0, 0)
			if !errors.Is(err, unix.EINVAL) || pid != -1 || pidfd != -1 {
				t.Errorf("clone = pid %d, pidfd %d, %v; want -1, -1, EINVAL", pid, pidfd, err)
			}
		})
	}
}

func TestCloneThreadWithPidfdExits(t *testing.T) {
	pidfd, err := CloneThreadWithPidfd()
	if errors.Is(err, unix.EINVAL) && !Kernel().AtLeast("6.9") {
		t.Skipf("clone(CLONE_THREAD|CLONE_PIDFD) since v6.9; running %s", Kernel())
	}
	if err != nil {
		t.Fatalf("clone(CLONE_THREAD|CLONE_PIDFD): %v", err)
	}
	defer unix.Close(pidfd)
	// A thread pidfd turns readable when the thread exits.
	if revents, err := PollOnce(pidfd, rawChildTimeout()); err != nil || revents&unix.POLLIN == 0 {
		t.Errorf("thread pidfd: revents %#x, %v; want POLLIN", revents, err)
	}
}

func TestClone3(t *testing.T) {
	if !HaveRawClone3 {
		t.Skip(ErrNoRawClone3)
	}
	t.Run("runs the exit body", func(t *testing.T) {
		c, err := Clone3Exit(unix.CLONE_PIDFD, unix.SIGCHLD, 7)
		if err != nil {
			t.Fatalf("clone3: %v", err)
		}
		defer unix.Close(c.Pidfd)
		expectExited(t, waitExited(t, c.Pidfd), c.Pid, 7)
	})
	t.Run("runs the exec body", func(t *testing.T) {
		exe, err := SelfExecutable()
		if err != nil {
			t.Fatal(err)
		}
		c, err := Clone3Exec(unix.CLONE_PIDFD, unix.SIGCHLD, exe, []string{exe}, []string{probeChildEnv + "=exit"}, -1)
		if err != nil {
			t.Fatalf("clone3: %v", err)
		}
		defer unix.Close(c.Pidfd)
		// exec'd, this binary exits 0 from init; 127 means execve failed.
		expectExited(t, waitExited(t, c.Pidfd), c.Pid, 0)
	})
	t.Run("returns the errno", func(t *testing.T) {
		// kernel/fork.c clone3_args_valid: unknown flags.
		c, err := Clone3Exit(1<<62, unix.SIGCHLD, 0)
		if !errors.Is(err, unix.EINVAL) || c.Pid != -1 || c.Pidfd != -1 {
			t.Errorf("clone3(1<<62) = %+v, %v; want pid -1, pidfd -1, EINVAL", c, err)
		}
	})
}

func TestStartBlockedProcess(t *testing.T) {
	if !HavePausingChild {
		t.Skip("no pausing child on this architecture")
	}
	var file, setUp [2]int
	if err := unix.Pipe2(file[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(file[0])
	if err := unix.Pipe2(setUp[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(setUp[0])
	pid, err := StartBlockedProcess(file[1])
	unix.Close(file[1])
	unix.Close(setUp[1])
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		unix.Kill(pid, unix.SIGKILL)
		t.Fatalf("pidfd_open(%d): %v", pid, err)
	}
	defer killAndReap(pidfd)
	if got := sigBlk(t, pid); got != allBlocked {
		t.Errorf("SigBlk %s; want %s", got, allBlocked)
	}
	// The child's copy of setUp's write end is the last one: its hang-up
	// says the child has closed every fd but 0.
	if revents, err := PollOnce(setUp[0], rawChildTimeout()); err != nil || revents&unix.POLLHUP == 0 {
		t.Fatalf("the child kept its fds: revents %#x, %v", revents, err)
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	if len(fds) != 1 || fds[0].Name() != "0" {
		t.Errorf("fds %v; want just 0", fds)
	}
	var child, ours unix.Stat_t
	if err := unix.Stat(fmt.Sprintf("/proc/%d/fd/0", pid), &child); err != nil {
		t.Fatal(err)
	}
	if err := unix.Fstat(file[0], &ours); err != nil {
		t.Fatal(err)
	}
	if child.Ino != ours.Ino || child.Dev != ours.Dev {
		t.Errorf("the child's fd 0 is inode %d, not the pipe's %d", child.Ino, ours.Ino)
	}
	if err := unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0); err != nil {
		t.Fatal(err)
	}
	if info := waitExited(t, pidfd); info.Code != CLD_KILLED || info.Status != int32(unix.SIGKILL) {
		t.Errorf("child %d: %+v; want CLD_KILLED by SIGKILL", pid, info)
	}
}

func TestForkJoiner(t *testing.T) {
	ctrl, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	pid, pidfd, err := ForkJoiner(ctrl[1], ctrl[0])
	unix.Close(ctrl[1])
	if err != nil {
		unix.Close(ctrl[0])
		t.Fatalf("fork: %v", err)
	}
	defer killAndReap(pidfd)
	if got := sigBlk(t, pid); got != allBlocked {
		t.Errorf("SigBlk %s; want %s", got, allBlocked)
	}
	var req [8]byte
	binary.LittleEndian.PutUint32(req[0:], ^uint32(0)) // fd -1
	if _, err := unix.Write(ctrl[0], req[:]); err != nil {
		t.Fatal(err)
	}
	if revents, err := PollOnce(ctrl[0], rawChildTimeout()); err != nil || revents&unix.POLLIN == 0 {
		t.Fatalf("no answer: revents %#x, %v", revents, err)
	}
	var reply [16]byte
	n, err := unix.Read(ctrl[0], reply[:])
	if err != nil || n != 8 {
		t.Fatalf("answer of %d bytes, %v; want 8", n, err)
	}
	if r := int64(binary.LittleEndian.Uint64(reply[:])); r != -int64(unix.EBADF) {
		t.Errorf("setns(-1, 0) answered %d; want -EBADF", r)
	}
	// EOF on the control socket ends the joiner with exit_group(0).
	unix.Close(ctrl[0])
	expectExited(t, waitExited(t, pidfd), pid, 0)
}
