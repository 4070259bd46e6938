package kernel

import (
	"os"
	"strings"
)

// ActiveLSMs is the kernel's LSM stack as /sys/kernel/security/lsm lists it.
func ActiveLSMs() string {
	data, err := os.ReadFile("/sys/kernel/security/lsm")
	if err != nil {
		return "unknown (securityfs not mounted at /sys/kernel/security)"
	}
	return strings.TrimSpace(string(data))
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
