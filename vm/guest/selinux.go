package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/selinux"
)

// SELinux for the lsm-selinux config. The image builder puts
// Debian's compiled reference policy (vm/selinux.Policy) at selinuxPolicy;
// when the kernel command line asks for SELinux, /init loads it before any
// suite runs, so the suites run in kernel_t under an enforcing policy and
// helpers/selinux.RunConfined can reach the confined daemon domains.
const (
	selinuxPolicy = "/" + frame.SELinuxPolicyPath
	selinuxFS     = kernel.SELinuxFS
)

// setupSELinux loads the policy when the command line asks for SELinux and
// returns a line for the guest info ("" when SELinux was not requested).
// Requires sysfs mounted on /sys.
func setupSELinux() (string, error) {
	cmdline, _ := os.ReadFile("/proc/cmdline")
	if !selinux.Requested(string(cmdline)) {
		return "", nil
	}
	// The suites' SELinux specs fail instead of skipping when SELinux
	// does not enforce although this config asked for it.
	os.Setenv(kernel.RequireSELinuxEnv, "1")
	if err := loadSELinuxPolicy(selinuxPolicy); err != nil {
		return "", err
	}
	return "selinux: policy " + selinuxPolicy + " loaded, enforcing", nil
}

// loadSELinuxPolicy mounts selinuxfs, writes the binary policy to its load
// file in one write and checks that SELinux enforces it.
func loadSELinuxPolicy(path string) error {
	policy, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("selinux: %v (the image builder must add vm/selinux.Policy() as %s for SELinux configs)", err, path)
	}
	if err := os.MkdirAll(selinuxFS, 0o755); err != nil {
		return fmt.Errorf("selinux: mkdir %s: %v (is sysfs mounted on /sys?)", selinuxFS, err)
	}
	if err := unix.Mount("selinuxfs", selinuxFS, "selinuxfs", 0, ""); err != nil && !errors.Is(err, unix.EBUSY) {
		return fmt.Errorf("selinux: mount selinuxfs on %s: %v (kernel without active SELinux: needs CONFIG_SECURITY_SELINUX and lsm=…selinux… selinux=1 on the command line)", selinuxFS, err)
	}
	f, err := os.OpenFile(selinuxFS+"/load", os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("selinux: %v", err)
	}
	n, err := f.Write(policy)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || n != len(policy) {
		return fmt.Errorf("selinux: loading %s (%d bytes) into %s/load: wrote %d: %v (policy version newer than the kernel supports? see the console log)", path, len(policy), selinuxFS, n, err)
	}
	b, err := os.ReadFile(selinuxFS + "/enforce")
	if err != nil {
		return fmt.Errorf("selinux: %v", err)
	}
	if strings.TrimSpace(string(b)) != "1" {
		return fmt.Errorf("selinux: policy loaded but %s/enforce is %q (boot with enforcing=1)", selinuxFS, strings.TrimSpace(string(b)))
	}
	return nil
}
