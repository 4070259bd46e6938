package selinux

import "strings"

// Requested reports whether a kernel command line enables SELinux:
// selinux=1, or an lsm= list naming selinux, and no selinux=0. The runner
// uses it to put the policy in the image and the guest to load it.
func Requested(cmdline string) bool {
	on := false
	for _, w := range strings.Fields(cmdline) {
		switch {
		case w == "selinux=1":
			on = true
		case w == "selinux=0":
			return false
		case strings.HasPrefix(w, "lsm="):
			for _, l := range strings.Split(strings.TrimPrefix(w, "lsm="), ",") {
				if l == "selinux" {
					on = true
				}
			}
		}
	}
	return on
}
