package helpers

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// OpenPidfd is pidfd_open(pid, flags), which must succeed; the pidfd is
// closed at cleanup.
func OpenPidfd(pid, flags int) int {
	GinkgoHelper()
	fd, err := unix.PidfdOpen(pid, flags)
	Expect(err).NotTo(HaveOccurred(), "pidfd_open(%d, %#x)", pid, flags)
	DeferCleanup(unix.Close, fd)
	return fd
}

// SelfPidfd is a pidfd of the test process, closed at cleanup. Specs that
// signal through it send only signal 0, so even a wrongly accepted call
// delivers nothing.
func SelfPidfd() int {
	GinkgoHelper()
	RequireFeature(kernel.PidfdOpen)
	return OpenPidfd(os.Getpid(), 0)
}

// OpenFile opens path with flags (and O_CLOEXEC), which must succeed; the
// fd is closed at cleanup.
func OpenFile(path string, flags int) int {
	GinkgoHelper()
	fd, err := unix.Open(path, flags|unix.O_CLOEXEC, 0)
	Expect(err).NotTo(HaveOccurred(), "open %s", path)
	DeferCleanup(unix.Close, fd)
	return fd
}

// StatusFlags is fcntl(fd, F_GETFL), which must succeed.
func StatusFlags(fd int) int {
	GinkgoHelper()
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	Expect(err).NotTo(HaveOccurred(), "fcntl(%d, F_GETFL)", fd)
	return flags
}
