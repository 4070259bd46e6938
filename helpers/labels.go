package helpers

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
)

// Every label a spec may carry is defined here, so label filters have one
// vocabulary. RunSuite rejects labels defined anywhere else.
//
// Kinds (prefix → meaning):
//   - area:     the suite (set by RunSuite)
//   - syscall:, ioctl:, flag:, fs:  the API under test (every spec has one)
//   - selftest:, ltp:, man:  where the behaviour comes from (every spec has one)
//   - needs:    privilege or environment a spec depends on
//   - requires: a kernel feature the spec needs, decided before any setup (Requires)
//   - id:, id-scope:  the spec's stable ID (id.go; every spec has one)
var known = map[string]bool{}

func define(name string) Labels {
	known[name] = true
	return Label(name)
}

// API labels.
var (
	SyscallPidfdOpen       = define("syscall:pidfd_open")
	SyscallPidfdSendSignal = define("syscall:pidfd_send_signal")
	SyscallPidfdGetfd      = define("syscall:pidfd_getfd")
	SyscallClone           = define("syscall:clone")
	SyscallClone3          = define("syscall:clone3")
	SyscallWaitid          = define("syscall:waitid")
	SyscallPoll            = define("syscall:poll")
	SyscallEpoll           = define("syscall:epoll")
	SyscallNameToHandleAt  = define("syscall:name_to_handle_at")
	SyscallOpenByHandleAt  = define("syscall:open_by_handle_at")
	SyscallXattr           = define("syscall:xattr")
	SyscallSetattr         = define("syscall:setattr")
	SyscallFstat           = define("syscall:fstat")
	SyscallExecveat        = define("syscall:execveat")
	SyscallSetns           = define("syscall:setns")
	SyscallProcessMadvise  = define("syscall:process_madvise")
	SyscallProcessMrelease = define("syscall:process_mrelease")
	SyscallGetsockopt      = define("syscall:getsockopt")
	SyscallRecvmsg         = define("syscall:recvmsg")
	SyscallOpenTree        = define("syscall:open_tree")
	SyscallSeccomp         = define("syscall:seccomp")
	SyscallFanotify        = define("syscall:fanotify")
	SyscallIOUring         = define("syscall:io_uring_enter")
	IoctlPidfdGetInfo      = define("ioctl:pidfd_get_info")
	IoctlPidfdGetNamespace = define("ioctl:pidfd_get_namespace")
	IoctlSeccompNotif      = define("ioctl:seccomp_notif")
	FlagPidfdNonblock      = define("flag:pidfd_nonblock")
	FlagPidfdThread        = define("flag:pidfd_thread")
	FlagClonePidfd         = define("flag:clone_pidfd")
	FlagSignalScope        = define("flag:pidfd_signal_scope")
	FlagCloneAutoreap      = define("flag:clone_autoreap")
	FlagCloneNNP           = define("flag:clone_nnp")
	FlagClonePidfdAutokill = define("flag:clone_pidfd_autokill")
	FlagPidfdSelf          = define("flag:pidfd_self")
	FsPidfs                = define("fs:pidfs")
	FsFdinfo               = define("fs:fdinfo")
)

// Source labels: the kselftest file stem, the LTP test, or the man page.
var (
	SelftestPidfdTest       = define("selftest:pidfd_test")
	SelftestPidfdOpen       = define("selftest:pidfd_open_test")
	SelftestPidfdPoll       = define("selftest:pidfd_poll_test")
	SelftestPidfdWait       = define("selftest:pidfd_wait")
	SelftestPidfdFdinfo     = define("selftest:pidfd_fdinfo_test")
	SelftestPidfdGetfd      = define("selftest:pidfd_getfd_test")
	SelftestPidfdSetns      = define("selftest:pidfd_setns_test")
	SelftestPidfdFileHandle = define("selftest:pidfd_file_handle_test")
	SelftestPidfdInfo       = define("selftest:pidfd_info_test")
	SelftestPidfdXattr      = define("selftest:pidfd_xattr_test")
	SelftestPidfdSetattr    = define("selftest:pidfd_setattr_test")
	SelftestPidfdAutoreap   = define("selftest:pidfd_autoreap_test")
	SelftestScmPidfd        = define("selftest:scm_pidfd") // net/af_unix
	SelftestPidfdBindMount  = define("selftest:pidfd_bind_mount")
	LTPPidfdOpen            = define("ltp:pidfd_open")
	LTPPidfdSendSignal      = define("ltp:pidfd_send_signal")
	LTPPidfdGetfd           = define("ltp:pidfd_getfd")
	LTPIoctlPidfd           = define("ltp:ioctl_pidfd")
	LTPProcessMrelease      = define("ltp:process_mrelease")
	LTPFanotify             = define("ltp:fanotify")
	SelftestSeccompBPF      = define("selftest:seccomp_bpf") // tools/testing/selftests/seccomp
	ManPidfdOpen            = define("man:pidfd_open.2")
	ManPidfdSendSignal      = define("man:pidfd_send_signal.2")
	ManPidfdGetfd           = define("man:pidfd_getfd.2")
	ManClone                = define("man:clone.2")
	ManWaitid               = define("man:waitid.2")
	ManSetns                = define("man:setns.2")
	ManProc                 = define("man:proc_pid_fdinfo.5")
	ManPidfs                = define("man:pidfs")
	ManProcessMadvise       = define("man:process_madvise.2")
	ManProcessMrelease      = define("man:process_mrelease.2")
	ManUnix                 = define("man:unix.7")
	ManLandlock             = define("man:landlock.7")
	ManSeccompUnotify       = define("man:seccomp_unotify.2")
	ManFanotify             = define("man:fanotify.7")
	ManIOUringPrepWaitid    = define("man:io_uring_prep_waitid.3")
)

// Environment labels.
var (
	NeedsRoot             = define("needs:root")
	NeedsPidNS            = define("needs:pidns")
	NeedsSELinuxEnforcing = environmentLabel("needs:selinux-enforcing", "SELinux enforcing", selinuxEnforcing)
	NeedsLandlock         = define("needs:landlock")
	NeedsYama             = define("needs:yama")
	NeedsUserNS           = define("needs:userns")
	GinkgoSerial          = define("Serial") // Ginkgo labels Serial specs so; they change system-wide state
)

var (
	apiPrefixes    = []string{"syscall:", "ioctl:", "flag:", "fs:"}
	sourcePrefixes = []string{"selftest:", "ltp:", "man:"}
)

func hasPrefixed(labels []string, prefixes []string) bool {
	for _, l := range labels {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				return true
			}
		}
	}
	return false
}
