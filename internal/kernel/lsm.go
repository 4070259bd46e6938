package kernel

import (
	"errors"
	"os"
	"slices"
	"strings"
)

// lsmList is securityfs's list of the LSMs active since boot.
const lsmList = "/sys/kernel/security/lsm"

// ActiveLSMs is the kernel's LSM stack as /sys/kernel/security/lsm lists it.
func ActiveLSMs() string {
	data, err := os.ReadFile(lsmList)
	if err != nil {
		return "unknown (securityfs not mounted at /sys/kernel/security)"
	}
	return strings.TrimSpace(string(data))
}

// lsmActive: securityfs lists the LSMs that initialised at boot (7.3
// security/inode.c:315 lsm_read prints lsm_idlist, which
// security/lsm_init.c:187 fills as each LSM is enabled; 6.1 keeps the names
// each LSM's security_add_hooks appends, security/security.c:502), which
// the LSM's own syscalls (Landlock's answer EOPNOTSUPP when it is not
// initialised) never consult. Without securityfs, an lsm= on the kernel
// command line that leaves the LSM out shows it off: that list replaces
// CONFIG_LSM (security/lsm_init.c:83, 6.1 security/security.c:433).
func lsmActive(lsm string) Sign {
	if data, err := os.ReadFile(lsmList); err == nil {
		list := strings.TrimSpace(string(data))
		if slices.Contains(strings.Split(list, ","), lsm) {
			return on("%s is in the active LSM list (%s: %s)", lsm, lsmList, list)
		}
		return off("%s is not in the active LSM list (%s: %s)", lsm, lsmList, list)
	}
	if order, given, err := cmdlineLSMOrder(); err == nil && given && !slices.Contains(order, lsm) {
		return off("lsm=%s on the kernel command line leaves out %s", strings.Join(order, ","), lsm)
	}
	return unknown("%s is unreadable and the kernel command line does not leave %s out", lsmList, lsm)
}

// lsmInDefaultOrder decides an LSM the config builds in when securityfs
// cannot be read: active if lsm= names it, or, without lsm=, if the
// config's CONFIG_LSM (the boot order then) does.
func lsmInDefaultOrder(lsm string, config *KernelConfig) Sign {
	order, given, err := cmdlineLSMOrder()
	switch {
	case err != nil:
		return unknown("%s is built in, and neither %s nor the kernel command line (%v) shows whether it is active", lsm, lsmList, err)
	case given && slices.Contains(order, lsm):
		return on("%s is built in and lsm=%s on the kernel command line names it", lsm, strings.Join(order, ","))
	case given:
		return off("lsm=%s on the kernel command line leaves out %s", strings.Join(order, ","), lsm)
	}
	def, named := config.Lookup("CONFIG_LSM")
	switch {
	case !named:
		return unknown("%s is built in; the kernel config (%s) has no CONFIG_LSM to say whether it is active", lsm, config.Source)
	case slices.Contains(strings.Split(def, ","), lsm):
		return on("%s is built in and in CONFIG_LSM=%q, the boot order without lsm=", lsm, def)
	}
	return off("%s is built in but not in CONFIG_LSM=%q, the boot order without lsm=", lsm, def)
}

// cmdlineLSMOrder is the last lsm= list on the kernel command line, the
// one the kernel uses; given is false when there is none. Words after "--"
// are init's, not the kernel's (init/main.c).
func cmdlineLSMOrder() (order []string, given bool, err error) {
	data, err := os.ReadFile("/proc/cmdline")
	if err != nil {
		return nil, false, errors.New("/proc/cmdline is unreadable")
	}
	return lsmOrderIn(string(data))
}

func lsmOrderIn(cmdline string) (order []string, given bool, err error) {
	for _, w := range strings.Fields(cmdline) {
		if w == "--" {
			break
		}
		if v, ok := strings.CutPrefix(w, "lsm="); ok {
			order, given = strings.Split(v, ","), true
		}
	}
	return order, given, nil
}

// SELinuxFS is where selinuxfs is mounted when SELinux is active.
const SELinuxFS = "/sys/fs/selinux"

// SELinuxEnforcing reports whether SELinux is active and enforcing here
// (selinuxfs at /sys/fs/selinux with enforce == 1); reason says why not.
func SELinuxEnforcing() (bool, string) {
	b, err := os.ReadFile(SELinuxFS + "/enforce")
	if err != nil {
		return false, "SELinux not enforcing (no " + SELinuxFS + "/enforce); runs in the VM matrix config lsm-selinux"
	}
	if strings.TrimSpace(string(b)) != "1" {
		return false, "SELinux is permissive (" + SELinuxFS + "/enforce = " + strings.TrimSpace(string(b)) + "); runs enforcing in the VM matrix config lsm-selinux"
	}
	return true, ""
}
