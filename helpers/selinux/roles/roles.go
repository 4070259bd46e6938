package selinuxroles

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
	"github.com/pidfdconf/pidfdconf/internal/timescale"
)

// The three hops of selinux.RunConfined. Each prints "<name> ok <detail>" or
// "<name> err ERRNO text" lines on stdout; no peer socket is used, because
// SELinux revokes inherited descriptors the new domain may not use.
var (
	// Launch <domain> <exec_type>: in the test's domain (kernel_t).
	Launch = role.Register("selinux-launch", runSELinuxLaunch)
	// hop <dir> <domain binary>: in init_t.
	hop = role.Register("selinux-hop", runSELinuxHop)
	// confined <dir>: in the confined domain; runs the battery.
	confined = role.Register("selinux-confined", runSELinuxConfined)
)

// SELinux file labels the confined run uses.
const (
	seInitExec = "system_u:object_r:init_exec_t:s0"
	seShadow   = "system_u:object_r:shadow_t:s0"
	seEtc      = "system_u:object_r:etc_t:s0"
)

func emitOp(w io.Writer, name string, err error, detail string) {
	if err != nil {
		fmt.Fprintf(w, "%s %s\n", name, role.Answer("", err))
		return
	}
	fmt.Fprintf(w, "%s ok %s\n", name, detail)
}

func selfContext() (string, error) {
	b, err := os.ReadFile("/proc/self/attr/current")
	return strings.TrimRight(string(b), "\x00\n"), err
}

func setLabel(path, label string) error {
	if err := unix.Setxattr(path, "security.selinux", []byte(label), 0); err != nil {
		return fmt.Errorf("setxattr security.selinux=%s on %s: %w", label, path, err)
	}
	return nil
}

func copyExecutable(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o755)
}

// runRelay runs a hop's next process (in role name) and copies its output
// (read through a pipe this process creates, so it carries this domain's
// label) to stdout.
func runRelay(exe string, name string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*timescale.EventTimeout())
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = role.Environ(name)
	var out bytes.Buffer
	// Pipes created here for every standard fd: os/exec would open
	// /dev/null for a nil one, which confined domains may not use (and
	// devtmpfs nodes are not labelled in the VM).
	cmd.Stdin = strings.NewReader("")
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	os.Stdout.Write(out.Bytes())
	return err
}

func runSELinuxLaunch(_ *role.Channel, args []string) int {
	if len(args) != 2 {
		fmt.Println("launch err EINVAL usage: selinux-launch <domain> <exec_type>")
		return 2
	}
	domain, execType := args[0], args[1]
	ctx, err := selfContext()
	emitOp(os.Stdout, "launch-context", err, ctx)
	// A private mount namespace: the tmpfs disappears with this process.
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		emitOp(os.Stdout, "launch", fmt.Errorf("unshare(CLONE_NEWNS): %w", err), "")
		return 1
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		emitOp(os.Stdout, "launch", fmt.Errorf("make / private: %w", err), "")
		return 1
	}
	// A fresh tmpfs over /tmp, visible only in this mount namespace: the
	// guest's /tmp is a tmpfs labelled tmpfs_t, which daemon domains may not
	// search; the new root is relabelled etc_t below, which every domain
	// can search. cwd moves to / (root_t) for the same reason.
	const dir = "/tmp"
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
		emitOp(os.Stdout, "launch", fmt.Errorf("mount tmpfs on %s: %w", dir, err), "")
		return 1
	}
	if err := os.Chdir("/"); err != nil {
		emitOp(os.Stdout, "launch", err, "")
		return 1
	}
	self, err := kernel.SelfExecutable()
	if err != nil {
		emitOp(os.Stdout, "launch", err, "")
		return 1
	}
	initBin := filepath.Join(dir, "init.bin")
	domBin := filepath.Join(dir, domain+".bin")
	steps := []func() error{
		// A fresh tmpfs root is tmpfs_t, which daemon domains may not
		// search; etc_t directories every domain reads.
		func() error { return setLabel(dir, seEtc) },
		func() error { return copyExecutable(self, initBin) },
		func() error { return copyExecutable(self, domBin) },
		func() error { return setLabel(initBin, seInitExec) },
		func() error { return setLabel(domBin, "system_u:object_r:"+execType+":s0") },
		func() error { return os.WriteFile(filepath.Join(dir, "shadow"), []byte("secret\n"), 0o644) },
		func() error { return setLabel(filepath.Join(dir, "shadow"), seShadow) },
		func() error { return os.WriteFile(filepath.Join(dir, "etc"), []byte("public\n"), 0o644) },
		func() error { return setLabel(filepath.Join(dir, "etc"), seEtc) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			emitOp(os.Stdout, "launch", err, "")
			return 1
		}
	}
	emitOp(os.Stdout, "launch", nil, dir)
	if err := runRelay(initBin, hop, dir, domBin); err != nil {
		emitOp(os.Stdout, "hop-exit", err, "")
	}
	return 0
}

func runSELinuxHop(_ *role.Channel, args []string) int {
	ctx, err := selfContext()
	emitOp(os.Stdout, "hop-context", err, ctx)
	if len(args) != 2 {
		return 2
	}
	if err := runRelay(args[1], confined, args[0]); err != nil {
		emitOp(os.Stdout, "confined-exit", err, "")
	}
	return 0
}

func fileID(fd int) (string, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino), nil
}

// runSELinuxConfined is the battery. Operation names (the specs use them):
//
//	context          /proc/self/attr/current
//	read-shadow      reading a shadow_t file (control: EACCES expected)
//	read-etc         reading an etc_t file next to it (control: must work)
//	open-self        pidfd_open(getpid())
//	spawn-child      a child process (raw clone that pauses): "pid=N"
//	open-child       pidfd_open(child)
//	fstat            fstat of the pidfd: "mode=… ino=…"
//	fstatfs          fstatfs of the pidfd: "f_type=0x…"
//	signal-self      pidfd_send_signal(self pidfd, 0)
//	poll-alive       poll(child pidfd) before it dies: "revents=0x…"
//	signal-child     pidfd_send_signal(child pidfd, SIGKILL)
//	poll-dead        poll(child pidfd) after SIGKILL: "revents=0x…"
//	waitid           waitid(P_PIDFD, child pidfd, WEXITED): "code=… status=…"
//	getfd            pidfd_getfd(self pidfd, fd of a pipe): "same=true"
//	scm-rights       pidfd sent and received over SCM_RIGHTS: "same=true"
//	scm-rights-use   pidfd_send_signal(received pidfd, 0)
//	so-peerpidfd     getsockopt(SO_PEERPIDFD) on a socketpair: "same=true"
func runSELinuxConfined(_ *role.Channel, args []string) int {
	w := os.Stdout
	ctx, err := selfContext()
	emitOp(w, "context", err, ctx)
	if len(args) != 1 {
		return 2
	}
	dir := args[0]
	_, err = os.ReadFile(filepath.Join(dir, "shadow"))
	emitOp(w, "read-shadow", err, "")
	_, err = os.ReadFile(filepath.Join(dir, "etc"))
	emitOp(w, "read-etc", err, "")

	// Every operation reports a line even when an earlier one failed (on
	// a kernel whose pidfds SELinux mediates, pidfd creation itself fails
	// with EACCES): a dependent operation then reports that error.
	self, selfErr := unix.PidfdOpen(os.Getpid(), 0)
	emitOp(w, "open-self", selfErr, "")
	if selfErr != nil {
		for _, op := range []string{"fstat", "fstatfs", "signal-self", "getfd", "scm-rights", "scm-rights-use"} {
			emitOp(w, op, fmt.Errorf("no pidfd of itself: pidfd_open: %w", selfErr), "")
		}
	} else {
		defer unix.Close(self)
		confinedSelfOps(w, self)
	}
	var st unix.Stat_t
	if selfErr == nil {
		unix.Fstat(self, &st)
	}
	sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		emitOp(w, "so-peerpidfd", fmt.Errorf("socketpair: %w", err), "")
	} else {
		pfd, err := unix.GetsockoptInt(sp[0], unix.SOL_SOCKET, kernel.SO_PEERPIDFD)
		detail := ""
		if err == nil {
			var pst unix.Stat_t
			unix.Fstat(pfd, &pst)
			// Same process: on pidfs the same inode; on anon inodes all
			// pidfds share one inode anyway.
			detail = fmt.Sprintf("same=%v", selfErr == nil && pst.Ino == st.Ino && pst.Dev == st.Dev)
			unix.Close(pfd)
		}
		emitOp(w, "so-peerpidfd", err, detail)
		unix.Close(sp[0])
		unix.Close(sp[1])
	}

	confinedChildOps(w)
	return 0
}

// confinedChildOps are the battery's operations on a child: its pidfd,
// poll, signal and waitid. The child is a raw clone that only pauses:
// syslogd_t may execute no file at all, so a re-executed helper is not
// possible in every domain.
func confinedChildOps(w io.Writer) {
	pid, clonefd, err := kernel.StartPausingChild()
	emitOp(w, "spawn-child", err, fmt.Sprintf("pid=%d", pid))
	if err != nil {
		for _, op := range []string{"open-child", "poll-alive", "signal-child", "poll-dead", "waitid"} {
			emitOp(w, op, fmt.Errorf("no child: clone(CLONE_PIDFD): %w", err), "")
		}
	} else {
		unix.Close(clonefd)
		reaped := false
		defer func() {
			if !reaped {
				unix.Kill(pid, unix.SIGKILL)
				var ws unix.WaitStatus
				unix.Wait4(pid, &ws, 0, nil)
			}
		}()
		cfd, err := unix.PidfdOpen(pid, 0)
		emitOp(w, "open-child", err, "")
		if err != nil {
			for _, op := range []string{"poll-alive", "signal-child", "poll-dead", "waitid"} {
				emitOp(w, op, fmt.Errorf("no pidfd of the child: pidfd_open: %w", err), "")
			}
		} else {
			defer unix.Close(cfd)
			ev, err := kernel.PollOnce(cfd, 0)
			emitOp(w, "poll-alive", err, fmt.Sprintf("revents=%#x", ev))
			emitOp(w, "signal-child", unix.PidfdSendSignal(cfd, unix.SIGKILL, nil, 0), "")
			ev, err = kernel.PollOnce(cfd, timescale.EventTimeout())
			emitOp(w, "poll-dead", err, fmt.Sprintf("revents=%#x", ev))
			var info unix.Siginfo
			err = unix.Waitid(unix.P_PIDFD, cfd, &info, unix.WEXITED, nil)
			reaped = err == nil
			si := kernel.DecodeSiginfo(&info)
			emitOp(w, "waitid", err, fmt.Sprintf("code=%d status=%d", si.Code, si.Status))
		}
	}
}

// confinedSelfOps are the battery's operations on its own pidfd.
func confinedSelfOps(w io.Writer, self int) {
	var st unix.Stat_t
	err := unix.Fstat(self, &st)
	emitOp(w, "fstat", err, fmt.Sprintf("mode=%#o ino=%d", st.Mode, st.Ino))
	var sfs unix.Statfs_t
	err = unix.Fstatfs(self, &sfs)
	emitOp(w, "fstatfs", err, fmt.Sprintf("f_type=%#x", sfs.Type))
	emitOp(w, "signal-self", unix.PidfdSendSignal(self, 0, nil, 0), "")

	// pidfd_getfd of our own pipe through our own pidfd.
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		emitOp(w, "getfd", err, "")
	} else {
		got, err := unix.PidfdGetfd(self, p[0], 0)
		detail := ""
		if err == nil {
			a, _ := fileID(p[0])
			b, _ := fileID(got)
			detail = fmt.Sprintf("same=%v", a == b && a != "")
			unix.Close(got)
		}
		emitOp(w, "getfd", err, detail)
		unix.Close(p[0])
		unix.Close(p[1])
	}

	// SCM_RIGHTS on a socketpair of this domain (security_file_receive).
	sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		emitOp(w, "scm-rights", fmt.Errorf("socketpair: %w", err), "")
		emitOp(w, "scm-rights-use", fmt.Errorf("socketpair: %w", err), "")
		return
	}
	defer unix.Close(sp[0])
	defer unix.Close(sp[1])
	if err := unix.Sendmsg(sp[0], []byte("x"), unix.UnixRights(self), nil, 0); err != nil {
		emitOp(w, "scm-rights", fmt.Errorf("sendmsg: %w", err), "")
		emitOp(w, "scm-rights-use", fmt.Errorf("sendmsg: %w", err), "")
		return
	}
	buf, oob := make([]byte, 1), make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := unix.Recvmsg(sp[1], buf, oob, unix.MSG_CMSG_CLOEXEC)
	var fds []int
	if err == nil {
		fds, err = kernel.ParseRights(oob[:oobn])
		if err == nil && len(fds) != 1 {
			err = fmt.Errorf("%d fds received: %w", len(fds), unix.EBADMSG)
		}
	} else {
		err = fmt.Errorf("recvmsg: %w", err)
	}
	if err != nil {
		for _, fd := range fds {
			unix.Close(fd)
		}
		emitOp(w, "scm-rights", err, "")
		emitOp(w, "scm-rights-use", err, "")
		return
	}
	a, _ := fileID(self)
	b, _ := fileID(fds[0])
	emitOp(w, "scm-rights", nil, fmt.Sprintf("same=%v", a == b && a != ""))
	emitOp(w, "scm-rights-use", unix.PidfdSendSignal(fds[0], 0, nil, 0), "")
	unix.Close(fds[0])
}
