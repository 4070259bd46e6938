package boot

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"

	"github.com/pidfdconf/pidfdconf/vm/setup"
	"golang.org/x/sys/unix"
)

// The kernel under test may be broken or hostile, and QEMU is what stands
// between it and the host. So QEMU runs confined:
//
//   - under its seccomp filter (-sandbox on) with every optional group
//     denied: no obsolete system calls, no set*uid/set*gid, no fork or
//     exec, no scheduler or affinity changes;
//   - as an unprivileged user (nobody) when the runner is root. The runner
//     drops the privileges itself, in the child before exec: QEMU's own
//     -runas calls setuid after the filter is in place, which
//     elevateprivileges=deny kills (QEMU 7.2: SIGSYS). So every file QEMU
//     needs is opened by the runner and inherited: the kernel and the
//     initramfs (read through /proc/self/fd/N, so a 0700 cache directory
//     does not matter), the console (stdout and stderr, one pipe) and the
//     result stream (an fd set, -add-fd), and /dev/kvm through the group
//     that owns it;
//   - with an environment of PATH alone: CI secrets in the runner's
//     environment are not the guest's business.

// sandbox is QEMU's seccomp filter with every optional group denied.
var sandbox = []string{"-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"}

// The file descriptors QEMU inherits (ExtraFiles start at 3).
const (
	resultFD = 3 // ttyS1: the result stream, write end of a pipe
	kernelFD = 4
	initrdFD = 5
)

// resultFDSet is the -add-fd set QEMU opens the result stream from:
// /dev/fdset/N dups the fd, where /proc/self/fd/N would reopen a pipe the
// unprivileged user may not open.
const resultFDSet = 1

// qemuCredential is who QEMU runs as: nil (the runner's user) unless the
// runner is root, else nobody, plus the group of /dev/kvm when that group
// opens it (kvmGroupGrants), so the accelerator survives the drop.
func qemuCredential() *syscall.Credential {
	if os.Geteuid() != 0 {
		return nil
	}
	c := setup.Nobody()
	var st unix.Stat_t
	if unix.Stat("/dev/kvm", &st) == nil && st.Mode&0o006 != 0o006 && kvmGroupGrants(st) {
		c.Groups = append(c.Groups, st.Gid)
	}
	return c
}

// qemuEnv is QEMU's whole environment.
func qemuEnv() []string { return []string{"PATH=" + os.Getenv("PATH")} }

// openForQEMU opens path for QEMU to read through /proc/self/fd/N. A file
// the user cred cannot read by its mode (a 0600 bzImage of the user's) is
// copied into a memfd, which anyone holding it may read.
func openForQEMU(path string, cred *syscall.Credential) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil || cred == nil || readableBy(st, cred) {
		return f, err
	}
	defer f.Close()
	m, err := memfdOf("pidfdconf-"+st.Name(), f)
	if err != nil {
		return nil, fmt.Errorf("copying %s for QEMU: %v", path, err)
	}
	return m, nil
}

// memfdOf is a memfd holding what r reads, which QEMU, as whichever user,
// may read through /proc/self/fd.
func memfdOf(name string, r io.Reader) (*os.File, error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	m := os.NewFile(uintptr(fd), name)
	if _, err := io.Copy(m, r); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// readableBy reports whether cred may read a file by its mode bits.
func readableBy(st os.FileInfo, cred *syscall.Credential) bool {
	sys, ok := st.Sys().(*syscall.Stat_t)
	switch {
	case st.Mode().Perm()&0o004 != 0:
		return true
	case !ok:
		return false
	case sys.Uid == cred.Uid:
		return st.Mode().Perm()&0o400 != 0
	case sys.Gid == cred.Gid:
		return st.Mode().Perm()&0o040 != 0
	}
	return false
}

// fdPath is how QEMU names an inherited fd.
func fdPath(fd int) string { return "/proc/self/fd/" + strconv.Itoa(fd) }

// confine sets who cmd runs as, its environment and the files it inherits,
// from fd 3 on (a VM's: resultFD, kernelFD and initrdFD).
func confine(cmd *exec.Cmd, cred *syscall.Credential, files ...*os.File) {
	cmd.Env = qemuEnv()
	cmd.ExtraFiles = files
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: cred}
}
