package pidfs_test

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

func openPidfd(pid, flags int) int {
	GinkgoHelper()
	fd, err := unix.PidfdOpen(pid, flags)
	Expect(err).NotTo(HaveOccurred(), "pidfd_open(%d, %#x)", pid, flags)
	DeferCleanup(unix.Close, fd)
	return fd
}

func selfPidfd() int {
	GinkgoHelper()
	return openPidfd(os.Getpid(), 0)
}

// backing is the implementation behind this kernel's pidfds; a kernel that
// owes pidfs but lacks it fails here.
func backing() kernel.PidfdBacking {
	GinkgoHelper()
	fs, err := kernel.PidfdFilesystem(selfPidfd())
	Expect(err).NotTo(HaveOccurred())
	b, err := kernel.Backing(fs, kernel.Kernel())
	Expect(err).NotTo(HaveOccurred())
	return b
}

// requireBacking skips specs about the other implementation's contract.
func requireBacking(want kernel.PidfdBacking) {
	GinkgoHelper()
	if got := backing(); got != want {
		Skip("this spec is about " + want.String() + " pidfds; this kernel's pidfds are on " + got.String())
	}
}
