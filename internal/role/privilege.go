package role

import (
	"fmt"
	"syscall"
)

// DropPrivileges makes a helper process uid/gid with no supplementary
// groups, in every thread (Go applies these to all threads). Only roles call
// it: the test process keeps its credentials. Roles start as root and drop
// themselves because `go test` builds the binary in a 0700 directory that
// another user could not execute. Changing credentials makes the process
// non-dumpable (fs.suid_dumpable, usually 0): a role that must stay
// ptrace-able sets PR_SET_DUMPABLE back to 1.
func DropPrivileges(uid, gid int) error {
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setresgid(gid, gid, gid); err != nil {
		return fmt.Errorf("setresgid(%d): %w", gid, err)
	}
	if err := syscall.Setresuid(uid, uid, uid); err != nil {
		return fmt.Errorf("setresuid(%d): %w", uid, err)
	}
	return nil
}
