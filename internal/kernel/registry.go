package kernel

import "golang.org/x/sys/unix"

// Every feature a spec may require, with the mainline release that brought
// it. Each probe (probes.go) asks the kernel directly and never infers from
// the version; none changes process-wide state.
var (
	PidfdOpen         = newFeature("pidfd_open", "5.3", probePidfdOpen)
	PidfdSendSignal   = newFeature("pidfd_send_signal", "5.1", probeSendSignal)
	ClonePidfd        = newFeature("CLONE_PIDFD", "5.2", probeClonePidfd)
	Clone3            = newFeature("clone3", "5.3", probeClone3)
	WaitidPidfd       = newFeature("waitid(P_PIDFD)", "5.4", probeWaitidPidfd)
	FdinfoReaped      = newFeature("Pid -1 in a reaped process's pidfd fdinfo", "5.5", probeFdinfoReaped, OptProcFS)
	SetnsPidfd        = newFeature("setns(2) through a pidfd", "5.8", probeSetnsPidfd)
	PidfdGetfd        = newFeature("pidfd_getfd", "5.6", probeGetfd)
	GetfdZombieESRCH  = newFeature("pidfd_getfd ESRCH for a zombie", "6.9", probeGetfdZombie)
	PidfdNonblock     = newFeature("PIDFD_NONBLOCK", "5.10", func() error { return probeOpenFlags(unix.PIDFD_NONBLOCK) })
	PidfdThread       = newFeature("PIDFD_THREAD", "6.9", func() error { return probeOpenFlags(unix.PIDFD_THREAD) })
	CloneThreadPidfd  = newFeature("CLONE_PIDFD|CLONE_THREAD", "6.9", probeCloneThreadPidfd)
	Pidfs             = newFeature("pidfs", "6.9", probePidfs)
	PollHupOnReap     = newFeature("EPOLLHUP on reap", "6.9", probeHupOnReap)
	SignalScopes      = newFeature("PIDFD_SIGNAL_* scopes", "6.9", probeSignalScopes)
	PidfdGetInfo      = newFeature("PIDFD_GET_INFO", "6.13", probeGetInfo)
	PidfdInfoExit     = newFeature("PIDFD_INFO_EXIT", "6.15", probeInfoExit)
	PidfdInfoZeroFill = newFeature("PIDFD_GET_INFO zero-fills a larger argument", "6.15", probeInfoZeroFill)
	Cgroups           = newFeature("cgroups (PIDFD_INFO_CGROUPID)", "6.13", probeInfoCgroupid, OptCgroups)
	PidNamespaces     = newFeature("pid namespaces", "3.8", probePidNamespaces, OptPidNS)
	Procfs            = newFeature("procfs", "2.6", probeProcfs, OptProcFS)
	TimeNamespaces    = newFeature("time namespaces", "5.6", probeTimeNamespaces, OptTimeNS)
)

// Features of pidfs beyond the pidfd itself.
var (
	PidfsLsofCompat = newFeature("pidfs lsof compatibility (no file type; anon_inode:[pidfd])", "6.10", probeLsofCompat)
	NamespaceIoctls = newFeature("PIDFD_GET_*_NAMESPACE", "6.11", probeNamespaceIoctls)
	FileHandles     = newFeature("pidfs file handles", "6.14", probeFileHandles, OptFhandle)
	// v7.2-rc5 "pidfs: preserve thread pidfds reopened by file handle";
	// v6.14–v7.1 reopen a thread-group pidfd for O_EXCL.
	HandleKeepsThread = newFeature("open_by_handle_at(O_EXCL) reopens a PIDFD_THREAD pidfd", "7.2", probeHandleKeepsThread, OptFhandle)
	PidfsXattrs       = newFeature("pidfs trusted.* xattrs", "6.17", probeXattrs)
	Landlock          = newFeature("Landlock", "5.13", probeLandlock, OptLandlock)
	PidfsRootHandles  = newFeature("open_by_handle_at(FD_PIDFS_ROOT)", "6.17", probePidfsRoot, OptFhandle)
	PidfsGetversion   = newFeature("FS_IOC_GETVERSION on pidfds", "6.14", probeGetversion)
)

// Other ways to get a pidfd, and other gates on using one.
var (
	PeerPidfd           = newFeature("SO_PEERPIDFD and SCM_PIDFD", "6.5", probePeerPidfd, OptUnix)
	PeerPidfdReaped     = newFeature("SO_PEERPIDFD of a reaped peer", "6.16", probePeerPidfdReaped, OptUnix)
	ScmPidfdReaped      = newFeature("SCM_PIDFD of a reaped sender", "6.17", probeScmPidfdReaped, OptUnix)
	LandlockScopeSignal = newFeature("LANDLOCK_SCOPE_SIGNAL", "6.12", probeLandlockScopeSignal, OptLandlock)
)

// The clone3 flags of v7.1 and the PIDFD_SELF sentinels. Each clone probe
// makes a child that exits at once and waits until the kernel has released
// it, so no probe leaves a process behind; unknown clone3 flags are EINVAL.
var (
	CloneAutoreap      = newFeature("CLONE_AUTOREAP", "7.1", probeCloneAutoreap)
	CloneNNP           = newFeature("CLONE_NNP", "7.1", probeCloneNNP)
	ClonePidfdAutokill = newFeature("CLONE_PIDFD_AUTOKILL", "7.1", probeClonePidfdAutokill)
	PidfdSelf          = newFeature("PIDFD_SELF_*", "6.15", probePidfdSelf)
)

// Later PIDFD_GET_INFO fields. The coredump signal and code bits are not
// probed: the kernel records them only when a core is handed to a pipe or
// socket named by the system-wide core_pattern, which no probe may change;
// specs take them from the version (COREDUMP_SIGNAL came with the supported
// mask in v6.19, COREDUMP_CODE in v7.1, as the structs in those releases'
// BTF show).
var (
	PidfdInfoCoredump      = newFeature("PIDFD_INFO_COREDUMP", "6.16", probeInfoCoredump)
	PidfdInfoSupportedMask = newFeature("PIDFD_INFO_SUPPORTED_MASK", "6.19", probeInfoSupportedMask)
)

// Other kernel APIs that take or hand out pidfds, which low-memory killers,
// container runtimes, file-access auditors and async runtimes rely on.
var (
	ProcessMadvise   = newFeature("process_madvise", "5.10", answersEBADF(probeProcessMadvise), OptAdvise)
	ProcessMrelease  = newFeature("process_mrelease", "5.15", answersEBADF(probeProcessMrelease), OptMMU)
	SmapsRollup      = newFeature("/proc/<pid>/smaps_rollup", "4.14", probeSmapsRollup, OptProcFS, OptProcPageMonitor)
	SeccompUserNotif = newFeature("seccomp user notification", "5.0", probeSeccompUserNotif, OptSeccompFilter)
	SeccompAddfd     = newFeature("SECCOMP_IOCTL_NOTIF_ADDFD", "5.9", probeSeccompAddfd, OptSeccompFilter)
	FanotifyPidfd    = newFeature("fanotify FAN_REPORT_PIDFD", "5.15", probeFanotifyPidfd, OptFanotify)
	UringWaitid      = newFeature("io_uring IORING_OP_WAITID", "6.7", probeUringWaitid, OptIOUring)
)
