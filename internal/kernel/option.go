package kernel

import (
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// An Option is a kernel config option a feature needs and a kernel may be
// built without. A kernel built without it is a configuration choice, not
// a regression: a feature whose option is off skips, naming the option, on
// every kernel version. But "off" is a claim that needs evidence the
// feature's own probe did not produce: a feature that is simply missing
// could as well be a regression. The evidence is the kernel's config
// (PIDFDCONF_KCONFIG, /proc/config.gz, /boot/config-RELEASE) or a sign
// only the option decides and the feature's probe never looks at (signs.go
// names, for each, the kernel source that makes it so).
type Option struct {
	Name string
	// sign is the option's independent sign, read at most once; nil when
	// there is none.
	sign func() Sign
	// lsm is set for an LSM, which a kernel built with it can still leave
	// inactive at boot (lsm= on the command line, CONFIG_LSM).
	lsm string
}

// OptionState is what the evidence says about an option.
type OptionState int

const (
	// OptionUnknown: neither the config nor a sign tells.
	OptionUnknown OptionState = iota
	OptionOn
	OptionOff
)

// A Sign is one piece of evidence about an option: its state and what was
// seen, for messages.
type Sign struct {
	State    OptionState
	Evidence string
}

func on(format string, args ...any) Sign { return Sign{OptionOn, fmt.Sprintf(format, args...)} }
func off(format string, args ...any) Sign {
	return Sign{OptionOff, fmt.Sprintf(format, args...)}
}
func unknown(format string, args ...any) Sign {
	return Sign{OptionUnknown, fmt.Sprintf(format, args...)}
}

func newOption(name string, sign func() Sign) *Option {
	o := &Option{Name: name}
	if sign != nil {
		o.sign = sync.OnceValue(sign)
	}
	return o
}

// newLSMOption is the option of the LSM named lsm (as in lsm=).
func newLSMOption(name, lsm string) *Option {
	o := newOption(name, func() Sign { return lsmActive(lsm) })
	o.lsm = lsm
	return o
}

// Evidence is the option's state on the running kernel and what shows it.
func (o *Option) Evidence() Sign { return o.EvidenceFrom(RunningConfig()) }

// EvidenceFrom is Evidence with the given config: the config decides where
// it names the option, the independent sign where it does not; an LSM built
// in is on only if a sign shows it active.
func (o *Option) EvidenceFrom(config *KernelConfig) Sign {
	if v, named := config.Lookup(o.Name); named {
		switch {
		case v != "y" && v != "m":
			return off("%s is not set in the kernel config (%s)", o.Name, config.Source)
		case o.lsm == "":
			return on("%s=%s in the kernel config (%s)", o.Name, v, config.Source)
		}
		if s := o.readSign(); s.State != OptionUnknown {
			return s
		}
		return lsmInDefaultOrder(o.lsm, config)
	}
	if config.Known() && config.complete {
		// make writes every option whose dependencies are met, set or
		// "is not set": one that is not there at all cannot be on.
		return off("%s is not in the kernel config (%s): its dependencies are off, or this kernel has no such option", o.Name, config.Source)
	}
	return o.readSign()
}

func (o *Option) readSign() Sign {
	if o.sign == nil {
		return unknown("no sign outside the kernel config shows %s", o.Name)
	}
	return o.sign()
}

// The options a pidfd feature or spec can depend on (init/Kconfig and the
// #ifdefs of fs/pidfs.c, kernel/pid.c and kernel/nsproxy.c as of v7.3).
var (
	OptFhandle = newOption("CONFIG_FHANDLE", syscallCompiledOut("name_to_handle_at", probeNameToHandleAt))
	// No sign: procfs is where the signs live, and a /proc that is not
	// procfs may as well be one nobody mounted.
	OptProcFS   = newOption("CONFIG_PROC_FS", nil)
	OptLandlock = newLSMOption("CONFIG_SECURITY_LANDLOCK", "landlock")
	OptYama     = newLSMOption("CONFIG_SECURITY_YAMA", "yama")
	OptKcmp     = newOption("CONFIG_KCMP", syscallCompiledOut("kcmp", probeKcmp))
	OptAdvise   = newOption("CONFIG_ADVISE_SYSCALLS", syscallCompiledOut("process_madvise", probeProcessMadvise))
	OptMMU      = newOption("CONFIG_MMU", syscallCompiledOut("process_mrelease", probeProcessMrelease))
	OptUnix     = newOption("CONFIG_UNIX", procEntry("/proc/net/unix", "net/unix/af_unix.c:3826 unix_net_init, built with CONFIG_UNIX only"))
	OptInet     = newOption("CONFIG_INET", procEntry("/proc/net/tcp", "net/ipv4/tcp_ipv4.c:3321 tcp4_proc_init_net, built with CONFIG_INET only"))
	OptCoredump = newOption("CONFIG_COREDUMP", coredumpSysctl)
	// The kernel APIs of the contract specs beyond the selftests.
	OptSeccompFilter = newOption("CONFIG_SECCOMP_FILTER", seccompFiltersCompiled)
	OptFanotify      = newOption("CONFIG_FANOTIFY", syscallCompiledOut("fanotify_init", probeFanotifyInit))
	OptIOUring       = newOption("CONFIG_IO_URING", syscallCompiledOut("io_uring_setup", probeIOUringSetup))
	OptCgroups       = newOption("CONFIG_CGROUPS", procEntry("/proc/self/cgroup", "fs/proc/base.c:3346, under #ifdef CONFIG_CGROUPS"))
	// The page walks of /proc/<pid> (smaps, smaps_rollup, pagemap); the
	// sign is pagemap, whose entry comes and goes with smaps_rollup's.
	OptProcPageMonitor = newOption("CONFIG_PROC_PAGE_MONITOR", procEntry("/proc/self/pagemap", "fs/proc/base.c:3325, under #ifdef CONFIG_PROC_PAGE_MONITOR"))
	// Checkpoint/restore brings ns_last_pid, which choosing a pid number
	// needs (kernel/pid_namespace.c:465).
	OptCheckpointRestore = newOption("CONFIG_CHECKPOINT_RESTORE", tidAddressReadable)
)

// The options of the namespace types (init/Kconfig NAMESPACES menu; the
// mount namespace has none). Each type's /proc/<pid>/ns entry is what specs
// look for, so none of these signs reads /proc/<pid>/ns.
var (
	OptUserNS = newOption("CONFIG_USER_NS", procEntry("/proc/self/uid_map", "fs/proc/base.c:3369, under #ifdef CONFIG_USER_NS"))
	OptPidNS  = newOption("CONFIG_PID_NS", statusHasNSpid)
	OptUTSNS  = newOption("CONFIG_UTS_NS", cloneRefused(unix.CLONE_NEWUTS, "CLONE_NEWUTS", "copy_utsname, include/linux/uts_namespace.h:54"))
	OptIPCNS  = newOption("CONFIG_IPC_NS", cloneRefused(unix.CLONE_NEWIPC, "CLONE_NEWIPC", "copy_ipcs, include/linux/ipc_namespace.h:162"))
	OptNetNS  = newOption("CONFIG_NET_NS", cloneRefused(unix.CLONE_NEWNET, "CLONE_NEWNET", "copy_net_ns, include/net/net_namespace.h:232"))
	OptTimeNS = newOption("CONFIG_TIME_NS", procEntry("/proc/self/timens_offsets", "fs/proc/base.c:3301, under #ifdef CONFIG_TIME_NS"))
)

// NamespaceOption is the option a namespace type (its /proc/<pid>/ns
// name) needs; nil for the mount namespace, which every kernel has. The
// cgroup namespace comes with cgroups (kernel/cgroup/namespace.c is built
// with CONFIG_CGROUPS).
func NamespaceOption(name string) (*Option, error) {
	switch name {
	case "mnt":
		return nil, nil
	case "user":
		return OptUserNS, nil
	case "pid", "pid_for_children":
		return OptPidNS, nil
	case "uts":
		return OptUTSNS, nil
	case "ipc":
		return OptIPCNS, nil
	case "net":
		return OptNetNS, nil
	case "cgroup":
		return OptCgroups, nil
	case "time", "time_for_children":
		return OptTimeNS, nil
	}
	return nil, fmt.Errorf("no namespace type %q", name)
}
