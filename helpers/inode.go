package helpers

import (
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// FileID is what identifies a file: device and inode number.
type FileID = role.FileID

// Inode is fstat(fd)'s device and inode.
func Inode(fd int) FileID {
	GinkgoHelper()
	var st unix.Stat_t
	Expect(unix.Fstat(fd, &st)).To(Succeed())
	return FileID{Dev: st.Dev, Ino: st.Ino}
}

// ExpectPidfdOf checks that pidfd refers to the process with pid (in the
// test's pid namespace), of which ref is a pidfd known to be right. Since
// pidfs (v6.9) every pidfd of one process has the same inode, which no
// other process's has; before, all pidfds shared one anonymous inode and
// only their fdinfo Pid tells them apart.
func ExpectPidfdOf(pidfd, ref, pid int) {
	GinkgoHelper()
	if kernel.Pidfs.Present() {
		Expect(Inode(pidfd)).To(Equal(Inode(ref)), "pidfs inode of pidfd %d, against pidfd %d of pid %d", pidfd, ref, pid)
		return
	}
	RequireFeature(kernel.Procfs)
	info, err := kernel.Fdinfo(pidfd)
	Expect(err).NotTo(HaveOccurred())
	Expect(info).To(HaveKeyWithValue("Pid", strconv.Itoa(pid)), "fdinfo of pidfd %d", pidfd)
}
