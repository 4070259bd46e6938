package helpers

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"golang.org/x/sys/unix"
)

// openFds lists the open fd numbers by asking fcntl, which works without /proc.
func openFds() []int {
	if fds, ok := openFdsFast(); ok {
		return fds
	}
	var lim unix.Rlimit
	limit := 4096
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &lim) == nil && lim.Cur < uint64(limit) {
		limit = int(lim.Cur)
	}
	var fds []int
	for fd := range limit {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil {
			fds = append(fds, fd)
		}
	}
	return fds
}

// children lists this process's children, zombies included, from /proc.
func children() []int {
	if noChildren() {
		return nil
	}
	if kids, ok := childrenFast(); ok {
		return kids
	}
	var out []int
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	self := os.Getpid()
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// Fields after the ")" that closes comm: state ppid …
		_, rest, ok := strings.Cut(string(data), ") ")
		f := strings.Fields(rest)
		if !ok || len(f) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); ppid == self {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
			out = append(out, pid)
		}
	}
	return out
}

// stillOpen asks again about an fd the listing saw: one closed since was
// some goroutine's passing fd (the runtime's, Ginkgo's), not one the spec
// left open; a leak stays open.
func stillOpen(fd int) bool {
	_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil
}

func describeFd(fd int) string {
	if target, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd)); err == nil {
		return fmt.Sprintf("%d → %s", fd, target)
	}
	return strconv.Itoa(fd)
}

// guardAgainstLeaks snapshots fds and children; the cleanup it registers
// runs after every other cleanup of the spec and fails the spec for any fd
// or child process that is new.
func guardAgainstLeaks() {
	fdsBefore, kidsBefore := openFds(), children()
	DeferCleanup(func() {
		var leaks []string
		suite, _ := GinkgoConfiguration()
		parallel := suite.ParallelTotal > 1
		for _, fd := range openFds() {
			if slices.Contains(fdsBefore, fd) || !stillOpen(fd) {
				continue
			}
			desc := describeFd(fd)
			// Under -p Ginkgo's output interceptor opens and closes pipes
			// of its own while specs run; pidfds and sockets still count.
			if parallel && strings.Contains(desc, "pipe:") {
				continue
			}
			leaks = append(leaks, "fd "+desc)
		}
		for _, pid := range children() {
			if !slices.Contains(kidsBefore, pid) {
				leaks = append(leaks, fmt.Sprintf("child process %d", pid))
			}
		}
		if len(leaks) > 0 {
			Fail("the spec leaked: " + strings.Join(leaks, ", "))
		}
	})
}
