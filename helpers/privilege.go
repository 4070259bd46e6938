package helpers

import (
	"os"
	"strconv"

	"github.com/pidfdconf/pidfdconf/internal/role"
)

// DropPrivileges makes a helper process uid/gid with no supplementary
// groups (internal/role, which says why only roles call it).
var DropPrivileges = role.DropPrivileges

// DropToArgs are the role arguments that make a helper drop to uid (and
// the gid of the same number) when the test runs as root, and none when it
// already runs unprivileged: either way the helper ends up a user without
// capabilities, so specs about such a caller run in both kinds of run.
func DropToArgs(uid int) []string {
	if os.Geteuid() == 0 {
		return []string{strconv.Itoa(uid)}
	}
	return nil
}
