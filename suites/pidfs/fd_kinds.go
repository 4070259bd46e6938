package pidfs

import (
	"errors"
	"os"
	"path/filepath"
	"unsafe"

	. "github.com/onsi/ginkgo/v2"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// The kinds of fd LTP's tst_fd library opens (lib/tst_fd.c), each opened as
// it does there, so a spec can pass every kind where a pidfd is expected.
// An opener returns the fd (closed at cleanup) or the error that made the
// kind unavailable here (a missing config option, privilege or sysctl).

type fdOpener func() (int, error)

// closeLater registers fd's close and passes the result on.
func closeLater(fd int, err error) (int, error) {
	if err == nil {
		DeferCleanup(unix.Close, fd)
	}
	return fd, err
}

// scratchFile creates an empty file in a per-spec directory.
func scratchFile() string {
	path := filepath.Join(GinkgoT().TempDir(), "fd_file")
	f, err := os.Create(path)
	if err == nil {
		f.Close()
	}
	return path
}

func openRegularFile() (int, error) {
	return closeLater(unix.Open(scratchFile(), unix.O_RDWR|unix.O_CLOEXEC, 0))
}

func openPathFile() (int, error) {
	return closeLater(unix.Open(scratchFile(), unix.O_PATH|unix.O_CLOEXEC, 0))
}

func openDirectory() (int, error) {
	return closeLater(unix.Open(GinkgoT().TempDir(), unix.O_DIRECTORY|unix.O_CLOEXEC, 0))
}

func openPath(path string) fdOpener {
	return func() (int, error) { return closeLater(unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)) }
}

// openPipeEnd returns one end of a new pipe (0 read, 1 write).
func openPipeEnd(end int) fdOpener {
	return func() (int, error) {
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			return -1, err
		}
		DeferCleanup(unix.Close, p[0])
		DeferCleanup(unix.Close, p[1])
		return p[end], nil
	}
}

func openSocket(domain int) fdOpener {
	return func() (int, error) {
		fd, err := closeLater(unix.Socket(domain, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0))
		if errors.Is(err, unix.EAFNOSUPPORT) {
			// Small kernels (vm/configs minimal) leave networking out; the
			// config or /proc/net says so, not this socket's failure.
			helpers.RequireOption(socketOption[domain])
		}
		return fd, err
	}
}

// socketOption is the option a socket domain comes with.
var socketOption = map[int]*kernel.Option{unix.AF_UNIX: kernel.OptUnix, unix.AF_INET: kernel.OptInet}

func openEpoll() (int, error) { return closeLater(unix.EpollCreate1(unix.EPOLL_CLOEXEC)) }

func openEventfd() (int, error) { return closeLater(unix.Eventfd(0, unix.EFD_CLOEXEC)) }

func openSignalfd() (int, error) {
	var empty unix.Sigset_t
	return closeLater(unix.Signalfd(-1, &empty, unix.SFD_CLOEXEC))
}

func openTimerfd() (int, error) {
	return closeLater(unix.TimerfdCreate(unix.CLOCK_REALTIME, unix.TFD_CLOEXEC))
}

func openFanotify() (int, error) {
	return closeLater(unix.FanotifyInit(unix.FAN_CLASS_NOTIF|unix.FAN_CLOEXEC, unix.O_RDONLY))
}

func openInotify() (int, error) { return closeLater(unix.InotifyInit1(unix.IN_CLOEXEC)) }

func openUserfaultfd() (int, error) {
	fd, _, errno := unix.Syscall(unix.SYS_USERFAULTFD, unix.O_CLOEXEC, 0, 0)
	return closeLater(int(fd), errnoErr(errno))
}

// openPerfEvent opens LTP's software cpu-clock event, but CPU-wide (pid -1,
// CPU 0) where LTP counts the caller: a per-task event switches on the
// scheduler's perf hooks, a kernel text patch that has crashed TCG guests
// (7.0.13, int3 in __schedule). Both are the same kind of fd to ioctl(2).
func openPerfEvent() (int, error) {
	attr := unix.PerfEventAttr{
		Type:   unix.PERF_TYPE_SOFTWARE,
		Size:   uint32(unsafe.Sizeof(unix.PerfEventAttr{})),
		Config: unix.PERF_COUNT_SW_CPU_CLOCK,
		Bits:   unix.PerfBitDisabled | unix.PerfBitExcludeKernel | unix.PerfBitExcludeHv,
	}
	return closeLater(unix.PerfEventOpen(&attr, -1, 0, -1, unix.PERF_FLAG_FD_CLOEXEC))
}

func openIoUring() (int, error) {
	var params [120]byte // struct io_uring_params, zeroed
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, 1, uintptr(unsafe.Pointer(&params[0])), 0)
	return closeLater(int(fd), errnoErr(errno))
}

func openBpfMap() (int, error) {
	// union bpf_attr's map-create head: type, key size, value size, max entries.
	attr := [4]uint32{2 /* BPF_MAP_TYPE_ARRAY */, 4, 8, 1}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, 0 /* BPF_MAP_CREATE */, uintptr(unsafe.Pointer(&attr[0])), unsafe.Sizeof(attr))
	return closeLater(int(fd), errnoErr(errno))
}

func openFsopen() (int, error) { return closeLater(unix.Fsopen("tmpfs", unix.FSOPEN_CLOEXEC)) }

func openFspick() (int, error) {
	return closeLater(unix.Fspick(unix.AT_FDCWD, "/", unix.FSPICK_CLOEXEC))
}

func openOpenTree() (int, error) {
	return closeLater(unix.OpenTree(unix.AT_FDCWD, "/", unix.OPEN_TREE_CLOEXEC))
}

func openMemfd() (int, error) {
	return closeLater(unix.MemfdCreate("pidfdconf_memfd", unix.MFD_CLOEXEC))
}

func openMemfdSecret() (int, error) {
	fd, _, errno := unix.Syscall(kernel.SYS_MEMFD_SECRET, unix.O_CLOEXEC, 0, 0)
	return closeLater(int(fd), errnoErr(errno))
}

// skipUnavailableFd skips a spec whose kind of fd could not be opened:
// for lack of privilege (EPERM, EACCES: fanotify, bpf, perf, and io_uring or
// userfaultfd where sysctls restrict them) or because the kernel has no such
// fd (ENOSYS: a syscall compiled out, memfd_secret without secretmem at
// boot). Any other failure leaves the spec unstaged.
func skipUnavailableFd(err error) {
	GinkgoHelper()
	switch {
	case errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES):
		helpers.SkipFor(outcome.Privilege, "this kind of fd is refused to this run: %v", err)
	case errors.Is(err, unix.ENOSYS):
		helpers.SkipFor(outcome.Config, "this kernel has no such fd: %v", err)
	}
	helpers.Unstageable("this kind of fd could not be opened: %v", err)
}

func errnoErr(errno unix.Errno) error {
	if errno != 0 {
		return errno
	}
	return nil
}
