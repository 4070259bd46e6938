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
	OptUserNS   = newOption("CONFIG_USER_NS", namespaceMissing("user"))
	OptCoredump = newOption("CONFIG_COREDUMP", coredumpOff)
)

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

// coredumpOff: the kernel.core_pattern sysctl is defined in fs/coredump.c,
// which only CONFIG_COREDUMP builds; with procfs and sysctls present, a
// missing /proc/sys/kernel/core_pattern means it is off.
func coredumpOff() (bool, string) {
	if procfsOff, _ := procfsMissing(); procfsOff {
		return false, ""
	}
	if _, err := os.Stat("/proc/sys/kernel"); err != nil {
		return false, "" // no sysctls to tell by
	}
	if _, err := os.Stat("/proc/sys/kernel/core_pattern"); errors.Is(err, os.ErrNotExist) {
		return true, "/proc/sys/kernel/core_pattern does not exist"
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

// runningConfig is the running kernel's config and where it was read
// from: the file PIDFDCONF_KCONFIG names (the VM guest's copy of the
// config the runner booted), else what the kernel or the distribution
// publishes; empty, from "", when there is none.
var runningConfig = sync.OnceValues(func() (map[string]string, string) {
	paths := []string{"/proc/config.gz", "/boot/config-" + KernelRelease()}
	if p := os.Getenv(KconfigEnv); p != "" {
		paths = []string{p}
	}
	for _, p := range paths {
		if config, err := readConfig(p); err == nil {
			return config, p
		}
	}
	return map[string]string{}, ""
})

// ConfigSource is the file the kernel config was read from, "" when none
// was found; reports print it next to the skips it backs.
func ConfigSource() string {
	_, source := runningConfig()
	return source
}

// readConfig reads a kernel .config, gzip-compressed or not.
func readConfig(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	if magic, err := r.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return ParseConfig(z), nil
	}
	return ParseConfig(r), nil
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
