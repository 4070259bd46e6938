package kernel

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// An Option is a kernel config option a feature needs and a kernel may be
// built without. A kernel CI config without it is a configuration choice,
// not a regression: a feature whose option is off skips, naming the option,
// on every kernel version.
//
// Whether it is off comes from the kernel's config where the kernel shows
// it (/proc/config.gz, or /boot/config-RELEASE), and otherwise from a sign
// only a kernel built without the option gives (ENOSYS from a syscall that
// the option compiles in, a namespace missing from /proc/self/ns).
type Option struct {
	Name string
	sign func() (off bool, evidence string)
	// atBoot: built in is not enough, the option can still be inactive at
	// boot (an LSM missing from lsm=), so the sign is read even when the
	// config says y.
	atBoot bool
	once   sync.Once
	off    string // the evidence, "" while the option is on or unknown
}

func newOption(name string, sign func() (bool, string)) *Option {
	return &Option{Name: name, sign: sign}
}

// newBootOption is newOption for an option the boot command line can
// leave inactive.
func newBootOption(name string, sign func() (bool, string)) *Option {
	return &Option{Name: name, sign: sign, atBoot: true}
}

// Off returns why the option is off on the running kernel (built without
// it, or inactive at boot), or "".
func (o *Option) Off() string {
	o.once.Do(func() {
		config, _ := runningConfig()
		o.off = o.decide(config)
	})
	return o.off
}

func (o *Option) decide(config map[string]string) string {
	if v, known := config[o.Name]; known {
		if v != "y" && v != "m" {
			return fmt.Sprintf("%s is not set in the kernel config", o.Name)
		}
		if !o.atBoot {
			return ""
		}
	}
	if off, evidence := o.sign(); off {
		return evidence
	}
	return ""
}

// The options a pidfd feature or spec can depend on (init/Kconfig and the
// #ifdefs of fs/pidfs.c, kernel/pid.c and kernel/nsproxy.c as of v7.3).
var (
	OptFhandle  = newOption("CONFIG_FHANDLE", syscallCompiledOut("name_to_handle_at", probeNameToHandleAt))
	OptPidNS    = newOption("CONFIG_PID_NS", pidNamespacesOff)
	OptTimeNS   = newOption("CONFIG_TIME_NS", namespaceMissing("time"))
	OptProcFS   = newOption("CONFIG_PROC_FS", procfsMissing)
	OptLandlock = newBootOption("CONFIG_SECURITY_LANDLOCK", landlockOff)
	OptKcmp     = newOption("CONFIG_KCMP", syscallCompiledOut("kcmp", probeKcmp))
	OptAdvise   = newOption("CONFIG_ADVISE_SYSCALLS", syscallCompiledOut("process_madvise", probeProcessMadvise))
	OptMMU      = newOption("CONFIG_MMU", syscallCompiledOut("process_mrelease", probeProcessMrelease))
	OptUnix     = newOption("CONFIG_UNIX", unixSocketsOff)
	OptCgroups  = newOption("CONFIG_CGROUPS", cgroupsOff)
)

// The options of the other kernel APIs that hand out or take pidfds. Each
// sign is a call other than the feature's own probe that a kernel built
// without the option answers differently.
var (
	OptSeccompFilter = newOption("CONFIG_SECCOMP_FILTER", seccompFiltersOff)
	OptFanotify      = newOption("CONFIG_FANOTIFY", syscallCompiledOut("fanotify_init", probeFanotifyInit))
	OptIOUring       = newOption("CONFIG_IO_URING", syscallCompiledOut("io_uring_setup", probeIOUringSetup))
)

// seccompFiltersOff: seccomp(SECCOMP_SET_MODE_FILTER) with no program
// faults copying it (EFAULT) where filters are built in; without
// CONFIG_SECCOMP_FILTER the mode is EINVAL (kernel/seccomp.c's stub), and
// without CONFIG_SECCOMP the syscall is ENOSYS. Nothing is installed.
func seccompFiltersOff() (bool, string) {
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, 0)
	switch errno {
	case unix.EINVAL:
		return true, "seccomp(SECCOMP_SET_MODE_FILTER) is EINVAL"
	case unix.ENOSYS:
		return true, "seccomp(2) is ENOSYS (no CONFIG_SECCOMP)"
	}
	return false, ""
}

// probeFanotifyInit asks for no valid group: EINVAL (or EPERM without
// CAP_SYS_ADMIN) where fanotify is built in.
func probeFanotifyInit() error {
	fd, err := unix.FanotifyInit(^uint(0), 0)
	if err == nil {
		unix.Close(fd)
	}
	return err
}

// probeIOUringSetup passes no parameters: EFAULT (or EPERM where the
// io_uring_disabled sysctl refuses it) where io_uring is built in.
func probeIOUringSetup() error {
	_, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, 1, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// syscallCompiledOut: a COND_SYSCALL that the option leaves out answers
// ENOSYS to every call (kernel/sys_ni.c).
func syscallCompiledOut(name string, call func() error) func() (bool, string) {
	return func() (bool, string) {
		if err := call(); errors.Is(err, unix.ENOSYS) {
			return true, name + "(2) is ENOSYS"
		}
		return false, ""
	}
}

func probeNameToHandleAt() error {
	_, _, err := unix.NameToHandleAt(unix.AT_FDCWD, "/", 0)
	return err
}

func probeKcmp() error {
	_, err := KcmpFile(os.Getpid(), os.Getpid(), 0, 0)
	return err
}

func probeProcessMadvise() error {
	// No pidfd (-1): EBADF where the syscall exists.
	_, _, errno := unix.Syscall6(unix.SYS_PROCESS_MADVISE, ^uintptr(0), 0, 0, 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// cgroupsOff: /proc/self/cgroup exists only with CONFIG_CGROUPS
// (kernel/cgroup/cgroup.c proc_cgroup_show).
func cgroupsOff() (bool, string) {
	if procfsOff, _ := procfsMissing(); procfsOff {
		return false, ""
	}
	if _, err := os.Stat("/proc/self/cgroup"); errors.Is(err, os.ErrNotExist) {
		return true, "/proc/self/cgroup does not exist"
	}
	return false, ""
}

// unixSocketsOff: without CONFIG_UNIX (or CONFIG_NET) there is no AF_UNIX
// socket to ask for a peer's pidfd.
func unixSocketsOff() (bool, string) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err == nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return false, ""
	}
	if errors.Is(err, unix.EAFNOSUPPORT) || errors.Is(err, unix.ENOSYS) {
		return true, "socketpair(AF_UNIX): " + err.Error()
	}
	return false, ""
}

func probeProcessMrelease() error {
	// No pidfd (-1): EBADF where the syscall exists.
	_, _, errno := unix.Syscall(unix.SYS_PROCESS_MRELEASE, ^uintptr(0), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

func namespaceMissing(kind string) func() (bool, string) {
	return func() (bool, string) {
		if procfsOff, _ := procfsMissing(); procfsOff {
			return false, "" // no way to tell without /proc
		}
		if _, err := os.Stat("/proc/self/ns/" + kind); errors.Is(err, os.ErrNotExist) {
			return true, "/proc/self/ns/" + kind + " does not exist"
		}
		return false, ""
	}
}

// pidNamespacesOff: without CONFIG_PID_NS, clone(CLONE_NEWPID) is EINVAL
// (kernel/nsproxy.c create_new_namespaces → copy_pid_ns), which tells even
// without /proc.
func pidNamespacesOff() (bool, string) {
	if off, evidence := namespaceMissing("pid")(); off {
		return true, evidence
	}
	if err := probePidNamespaces(); errors.Is(err, unix.EINVAL) {
		return true, "clone(CLONE_NEWPID) is EINVAL"
	}
	return false, ""
}

func procfsMissing() (bool, string) {
	if probeProcfs() != nil {
		return true, "/proc is not procfs"
	}
	return false, ""
}

// landlockOff: ENOSYS means built without it, EOPNOTSUPP built in but not
// on the lsm= list; both are the configuration's choice.
func landlockOff() (bool, string) {
	_, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, 1 /* LANDLOCK_CREATE_RULESET_VERSION */)
	switch errno {
	case unix.ENOSYS:
		return true, "landlock_create_ruleset(2) is ENOSYS"
	case unix.EOPNOTSUPP:
		return true, "Landlock is built in but not active (not on the lsm= list)"
	}
	return false, ""
}

// runningConfig is the running kernel's config and where it was read:
// $PIDFDCONF_KCONFIG (the VM guest's copy of the booted kernel's config, or
// a file a user names), else what the kernel or the distribution publishes;
// empty, with no source, when none of them exists.
var runningConfig = sync.OnceValues(func() (map[string]string, string) {
	if path := os.Getenv(KconfigEnv); path != "" {
		if f, err := os.Open(path); err == nil {
			defer f.Close()
			return ParseConfig(f), path
		}
	}
	if f, err := os.Open("/proc/config.gz"); err == nil {
		defer f.Close()
		if z, err := gzip.NewReader(f); err == nil {
			return ParseConfig(z), "/proc/config.gz"
		}
	}
	path := "/boot/config-" + KernelRelease()
	if f, err := os.Open(path); err == nil {
		defer f.Close()
		return ParseConfig(f), path
	}
	return map[string]string{}, ""
})

// ConfigSource is where the running kernel's config was read from, "" when
// there was none (options then go by their signs alone).
func ConfigSource() string {
	_, source := runningConfig()
	return source
}

// ParseConfig reads a kernel .config: CONFIG_X=v lines, and "# CONFIG_X is
// not set" as the value "n".
func ParseConfig(r io.Reader) map[string]string {
	out := map[string]string{}
	s := bufio.NewScanner(r)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if name, ok := strings.CutPrefix(line, "# "); ok {
			if name, ok = strings.CutSuffix(name, " is not set"); ok {
				out[name] = "n"
			}
			continue
		}
		if name, value, ok := strings.Cut(line, "="); ok && strings.HasPrefix(name, "CONFIG_") {
			out[name] = strings.Trim(value, `"`)
		}
	}
	return out
}
