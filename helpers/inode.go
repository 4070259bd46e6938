package helpers

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

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
