package helpers

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

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

// leftOpen is fd's description when it stays open, on the same target,
// for leakSettle: a leak does, since every other cleanup of the spec has
// run. An fd that closes or changes meanwhile was some other thread's
// passing fd, not the spec's: natively, the cgo-linked test binary's glibc
// opens /sys/devices/system/cpu/online for a moment (this code never
// does), and a listing caught it open in 1 of ~80 mm runs ("the spec
// leaked: fd 11 → /sys/devices/system/cpu/online").
func leftOpen(fd int) (string, bool) {
	desc := describeFd(fd)
	settled := time.Now().Add(leakSettle)
	for {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil || describeFd(fd) != desc {
			return "", false
		}
		if time.Now().After(settled) {
			return desc, true
		}
		time.Sleep(leakSettle / 10)
	}
}

// leakSettle is how long a new fd must stay open to count as a leak; it
// is only waited for an fd that is new at the end of a spec.
const leakSettle = 20 * time.Millisecond

func describeFd(fd int) string {
	if target, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd)); err == nil {
		return fmt.Sprintf("%d → %s", fd, target)
	}
	return strconv.Itoa(fd)
}

// guardAgainstLeaks snapshots fds and children and returns the check to
// run after every other cleanup of the spec: it fails the spec for any fd
// or child process that is new.
func guardAgainstLeaks() (check func()) {
	fdsBefore, kidsBefore := openFds(), children()
	return func() {
		var leaks []string
		suite, _ := GinkgoConfiguration()
		parallel := suite.ParallelTotal > 1
		for _, fd := range openFds() {
			if slices.Contains(fdsBefore, fd) {
				continue
			}
			desc, open := leftOpen(fd)
			if !open {
				continue
			}
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
	}
}
