package coredump

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// listenForCores binds and listens on a new socket in dir, for the kernel
// to connect to.
func listenForCores(dir string) (fd int, path string) {
	GinkgoHelper()
	path = filepath.Join(dir, "c")
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(unix.Close, fd)
	Expect(unix.Bind(fd, &unix.SockaddrUnix{Name: path})).To(Succeed())
	Expect(unix.Listen(fd, 16)).To(Succeed())
	return fd, path
}

// acceptCoreOf accepts connections on l until one comes from the dumping
// process pid (another process on the machine may crash meanwhile: its core
// is read and dropped), and returns it with the pidfd SO_PEERPIDFD gives.
// It returns (-1, -1) when none came within the event timeout.
func acceptCoreOf(ctx SpecContext, l, pid int) (conn, peer int) {
	GinkgoHelper()
	deadline := time.Now().Add(helpers.EventTimeout())
	for time.Now().Before(deadline) {
		if _, err := kernel.WaitReadable(ctx, l, time.Until(deadline)); err != nil {
			return -1, -1
		}
		conn, _, err := unix.Accept4(l, unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK)
		if errors.Is(err, unix.EAGAIN) {
			continue
		}
		Expect(err).NotTo(HaveOccurred())
		peer, err := kernel.GetPeerPidfd(conn)
		Expect(err).NotTo(HaveOccurred(), "SO_PEERPIDFD of the coredump connection")
		info, err := kernel.GetPidfdInfo(peer, unix.PIDFD_INFO_PID)
		if err == nil && int(info.Pid) == pid {
			DeferCleanup(unix.Close, conn)
			DeferCleanup(unix.Close, peer)
			return conn, peer
		}
		readCore(ctx, conn)
		unix.Close(conn)
		unix.Close(peer)
	}
	return -1, -1
}

// readCore reads a core from conn until the kernel ends it (EOF).
func readCore(ctx SpecContext, conn int) {
	GinkgoHelper()
	buf := make([]byte, 64<<10)
	for {
		_, err := kernel.WaitReadable(ctx, conn, helpers.EventTimeout())
		Expect(err).NotTo(HaveOccurred(), "the kernel stopped writing the core before its end")
		n, err := unix.Read(conn, buf)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		Expect(err).NotTo(HaveOccurred())
		if n == 0 {
			return
		}
	}
}

// setSocketCorePattern points core_pattern at the socket. The kernel takes
// a socket pattern only from a writer in the initial mount namespace, where
// it looks the path up (EINVAL otherwise): a test elsewhere skips, and so
// does one that cannot tell where it runs (pid 1's namespace hidden from
// it) when the kernel refuses.
func setSocketCorePattern(path string) {
	GinkgoHelper()
	own, err1 := os.Readlink("/proc/self/ns/mnt")
	init, err2 := os.Readlink("/proc/1/ns/mnt")
	known := err1 == nil && err2 == nil
	if known && own != init {
		helpers.SkipFor(outcome.Environment, "a socket core_pattern is taken only from the initial mount namespace; the test's is %s, pid 1's %s", own, init)
	}
	pattern := "@" + path
	if len(pattern) >= corenameMax {
		helpers.Unstageable("core_pattern %q is longer than the kernel keeps (%d bytes)", pattern, corenameMax-1)
	}
	err := helpers.TrySetSysctl("kernel.core_pattern", pattern)
	if err != nil && !known && errors.Is(err, unix.EINVAL) {
		helpers.SkipFor(outcome.Environment, "the kernel refused core_pattern %q (EINVAL), as it does outside the initial mount namespace, and this test cannot see pid 1's to tell: %v, %v", pattern, err1, err2)
	}
	Expect(err).NotTo(HaveOccurred(), "set core_pattern %q from the initial mount namespace", pattern)
}

// The coredump socket: instead of a helper the kernel starts, a server that
// already runs (systemd-coredump's socket) accepts a connection per crash
// and learns who crashed from the connection itself.
var _ = area.Describe("core_pattern @ (the coredump socket)", Serial, helpers.SyscallGetsockopt, helpers.FlagInfoCoredump, helpers.NeedsRoot, helpers.NeedsCorePattern, helpers.RequiresSince("6.16", "the coredump socket (core_pattern @)"), helpers.Requires(kernel.Procfs, kernel.PidfdGetInfo), func() {
	var crasher *helpers.Child
	var conn, peer int

	BeforeEach(func(ctx SpecContext) {
		helpers.RequireRoot("setting kernel.core_pattern, which is the whole system's")
		helpers.RequireOption(kernel.OptCoredump)
		helpers.RequireOption(kernel.OptUnix)
		l, path := listenForCores(dumpDir())
		setSocketCorePattern(path)
		crasher = startCrasher(ctx)
		Expect(crasher.Channel.Send("crash")).To(Succeed())
		conn, peer = acceptCoreOf(ctx, l, crasher.Pid)
		Expect(conn).NotTo(Equal(-1), "the kernel made no coredump connection for the crashing process %d", crasher.Pid)
	})

	// Behavior: with core_pattern "@<path>", the kernel connects to the AF_UNIX socket listening at
	//           path when a process dumps core, and SO_PEERPIDFD on the accepted connection gives a
	//           pidfd of the dumping process: the same pidfs inode as its parent's pidfd, with its pid.
	// Mirrors:  man core(5) (core_pattern); man unix(7) (SO_PEERPIDFD)
	// Since:    v6.16
	// Relied on by: systemd-coredump (socket mode)
	It("gives the server a pidfd of the dumping process through SO_PEERPIDFD", helpers.ID("coredump_socket_gives_server_pidfd_through_so_peerpidfd"), helpers.ManCore, helpers.FsPidfs, func(ctx SpecContext) {
		Expect(helpers.Inode(peer)).To(Equal(helpers.Inode(crasher.Pidfd)), "the peer pidfd's inode against the crasher's")
		readCore(ctx, conn)
		expectDumped(ctx, crasher)
	})

	// Behavior: while the server reads the core from the coredump socket, PIDFD_GET_INFO with
	//           PIDFD_INFO_COREDUMP on the SO_PEERPIDFD pidfd already reports coredump_mask
	//           PIDFD_COREDUMPED|PIDFD_COREDUMP_USER (recorded before the kernel connected),
	//           and the process's own pidfd reports the same once it died with its core dumped.
	// Mirrors:  man core(5) (core_pattern)
	// Since:    v6.16
	// Relied on by: systemd-coredump (socket mode)
	It("reports PIDFD_COREDUMPED through the peer pidfd while the core is read", helpers.ID("coredump_socket_peer_pidfd_reports_coredumped"), helpers.IoctlPidfdGetInfo, helpers.ManCore, helpers.Requires(kernel.PidfdInfoCoredump), func(ctx SpecContext) {
		want := uint32(unix.PIDFD_COREDUMPED | unix.PIDFD_COREDUMP_USER)
		Expect(coredumpInfo(peer).Coredump_mask).To(Equal(want), "while the core is read")
		readCore(ctx, conn)
		expectDumped(ctx, crasher)
		Expect(coredumpInfo(crasher.Pidfd).Coredump_mask).To(Equal(want), "once the process died")
	})
})
