package kernel

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Seccomp user notification (include/uapi/linux/seccomp.h): the structs
// golang.org/x/sys/unix lacks and the calls a supervisor makes on the
// listener fd.

// SeccompData is struct seccomp_data: the system call a task made.
type SeccompData struct {
	Nr                 int32
	Arch               uint32
	InstructionPointer uint64
	Args               [6]uint64
}

// SeccompNotif is struct seccomp_notif: one trapped system call.
type SeccompNotif struct {
	ID    uint64
	Pid   uint32 // the trapping thread, in the listener's pid namespace
	Flags uint32
	Data  SeccompData
}

// SeccompNotifResp is struct seccomp_notif_resp: the supervisor's answer.
type SeccompNotifResp struct {
	ID    uint64
	Val   int64
	Error int32
	Flags uint32
}

// SeccompNotifAddfd is struct seccomp_notif_addfd: an fd of the supervisor
// to install in the trapped task.
type SeccompNotifAddfd struct {
	ID         uint64
	Flags      uint32
	Srcfd      uint32
	Newfd      uint32
	NewfdFlags uint32
}

// seccompIoctlNotifIDValidOld is the number SECCOMP_IOCTL_NOTIF_ID_VALID had
// in v5.0, with the wrong direction bits (_IOR); kernels keep accepting it
// (kernel/seccomp.c SECCOMP_IOCTL_NOTIF_ID_VALID_WRONG_DIR).
const seccompIoctlNotifIDValidOld = 2<<30 | 8<<16 | '!'<<8 | 2

func seccompIoctl(fd int, req uintptr, arg unsafe.Pointer) (uintptr, error) {
	r, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg))
	if errno != 0 {
		return 0, errno
	}
	return r, nil
}

// SeccompNotifyRecv is SECCOMP_IOCTL_NOTIF_RECV, which blocks until a
// notification is pending: poll the listener for POLLIN first.
func SeccompNotifyRecv(listener int) (SeccompNotif, error) {
	var n SeccompNotif // must be zero (the kernel checks)
	_, err := seccompIoctl(listener, unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(&n))
	return n, err
}

// SeccompNotifySend is SECCOMP_IOCTL_NOTIF_SEND.
func SeccompNotifySend(listener int, resp SeccompNotifResp) error {
	_, err := seccompIoctl(listener, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&resp))
	return err
}

// SeccompNotifyIDValid is SECCOMP_IOCTL_NOTIF_ID_VALID: nil while the
// notification is still pending for a live task. Like libseccomp, it falls
// back to the v5.0 request number where the corrected one is EINVAL.
func SeccompNotifyIDValid(listener int, id uint64) error {
	_, err := seccompIoctl(listener, unix.SECCOMP_IOCTL_NOTIF_ID_VALID, unsafe.Pointer(&id))
	if errors.Is(err, unix.EINVAL) {
		_, err = seccompIoctl(listener, seccompIoctlNotifIDValidOld, unsafe.Pointer(&id))
	}
	return err
}

// SeccompNotifyAddfd is SECCOMP_IOCTL_NOTIF_ADDFD; it returns the fd number
// the file got in the trapped task.
func SeccompNotifyAddfd(listener int, a SeccompNotifAddfd) (int, error) {
	r, err := seccompIoctl(listener, unix.SECCOMP_IOCTL_NOTIF_ADDFD, unsafe.Pointer(&a))
	return int(r), err
}

// Classic BPF opcodes a seccomp filter uses (linux/bpf_common.h).
const (
	bpfLdWAbs = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	bpfJeqK   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	bpfRetK   = unix.BPF_RET | unix.BPF_K
)

// Offsets into struct seccomp_data.
const (
	seccompDataNr   = 0
	seccompDataArch = 4
	seccompDataArgs = 16
)

// TrapFilter is a seccomp program that sends nr to the listener when its
// argument arg has value in its low 32 bits, and allows everything else:
// only the one call the spec makes traps, never one of the Go runtime's.
// ok is false on an architecture whose AUDIT_ARCH the suite does not know.
func TrapFilter(nr uintptr, arg int, value uint32) (prog []unix.SockFilter, ok bool) {
	if auditArch == 0 {
		return nil, false
	}
	return []unix.SockFilter{
		{Code: bpfLdWAbs, K: seccompDataArch},
		{Code: bpfJeqK, Jt: 0, Jf: 5, K: auditArch},
		{Code: bpfLdWAbs, K: seccompDataNr},
		{Code: bpfJeqK, Jt: 0, Jf: 3, K: uint32(nr)},
		{Code: bpfLdWAbs, K: seccompDataArgs + uint32(arg)*8}, // low half on little-endian
		{Code: bpfJeqK, Jt: 0, Jf: 1, K: value},
		{Code: bpfRetK, K: unix.SECCOMP_RET_USER_NOTIF},
		{Code: bpfRetK, K: unix.SECCOMP_RET_ALLOW},
	}, true
}

// InstallListener sets no_new_privs on the calling thread and installs prog
// there with SECCOMP_FILTER_FLAG_NEW_LISTENER, returning the listener.
// Both stay with the thread (and whatever it clones): call it only on a
// locked thread that is meant to carry them.
func InstallListener(prog []unix.SockFilter) (int, error) {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return -1, fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER,
		unix.SECCOMP_FILTER_FLAG_NEW_LISTENER, uintptr(unsafe.Pointer(&fprog)))
	runtime.KeepAlive(prog)
	if errno != 0 {
		return -1, fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER): %w", errno)
	}
	return int(r), nil
}

func probeSeccompUserNotif() error {
	action := uint32(unix.SECCOMP_RET_USER_NOTIF)
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_GET_ACTION_AVAIL, 0, uintptr(unsafe.Pointer(&action)))
	if errno != 0 {
		return fmt.Errorf("seccomp(SECCOMP_GET_ACTION_AVAIL, SECCOMP_RET_USER_NOTIF): %w", errno)
	}
	return nil
}

// probeSeccompAddfd needs a listener, and a listener needs a filter on a
// task, which stays with it: the probe runs in a probe child (its exit
// code is the answer). No thread of the test may carry the filter, and none
// may be made to exit for it either, since a thread's exit fires the
// Pdeathsig of the helpers it started.
func probeSeccompAddfd() error {
	c, err := startProbeChildFor(probeChildSeccompAddfd, nil, nil)
	if err != nil {
		return err
	}
	defer c.close()
	state, err := c.proc.Wait()
	if err != nil {
		return err
	}
	switch state.ExitCode() {
	case 0:
		return nil
	case addfdUnknown:
		return fmt.Errorf("SECCOMP_IOCTL_NOTIF_ADDFD for no notification is EINVAL (an unknown ioctl)")
	}
	return fmt.Errorf("the SECCOMP_IOCTL_NOTIF_ADDFD probe child ended with %v", state)
}

// Exit codes of the probe child.
const (
	addfdUnknown = 1 // EINVAL: no such ioctl
	addfdFailed  = 2 // the probe itself failed
)

// seccompAddfdExitCode runs in the probe child: ADDFD for a notification
// that does not exist is ENOENT where the ioctl exists and EINVAL where not.
func seccompAddfdExitCode() int {
	runtime.LockOSThread()
	listener, err := InstallListener([]unix.SockFilter{{Code: bpfRetK, K: unix.SECCOMP_RET_ALLOW}})
	if err != nil {
		return addfdFailed
	}
	_, err = SeccompNotifyAddfd(listener, SeccompNotifAddfd{ID: 0, Srcfd: uint32(listener)})
	switch {
	case errors.Is(err, unix.ENOENT):
		return 0
	case errors.Is(err, unix.EINVAL):
		return addfdUnknown
	}
	return addfdFailed
}
