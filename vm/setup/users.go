package setup

import (
	"os/user"
	"strconv"
	"syscall"
)

// Nobody is the credential of the unprivileged user the runner hands what
// it does not trust when it is root (QEMU, the build of a tree root owns):
// nobody and its group, no supplementary groups; uid and gid 65534 where
// the passwd database has no nobody.
func Nobody() *syscall.Credential {
	uid, gid := uint32(65534), uint32(65534)
	if u, err := user.Lookup("nobody"); err == nil {
		if n, err := strconv.ParseUint(u.Uid, 10, 32); err == nil {
			uid = uint32(n)
		}
		if n, err := strconv.ParseUint(u.Gid, 10, 32); err == nil {
			gid = uint32(n)
		}
	}
	return &syscall.Credential{Uid: uid, Gid: gid, Groups: []uint32{}}
}
