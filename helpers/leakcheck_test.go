package helpers

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The one-syscall answer must never hide a child: a live one or a zombie.
func TestNoChildrenSeesLiveAndZombieChildren(t *testing.T) {
	if !noChildren() {
		t.Skip("the test process already has children")
	}
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep to start:", err)
	}
	if noChildren() {
		t.Error("noChildren with a live child")
	}
	cmd.Process.Kill()
	// Killed but unreaped (dying or a zombie), it is a child until Wait.
	if noChildren() {
		t.Error("noChildren with a zombie child")
	}
	cmd.Wait()
	if !noChildren() {
		t.Error("a reaped child still counts")
	}
}

// A leak is an fd that stays open; one another thread closes at once (as
// glibc does with /sys/devices/system/cpu/online) is not the spec's.
func TestLeftOpenTellsALeakFromAPassingFd(t *testing.T) {
	f, err := os.Open("/dev/null")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	if desc, open := leftOpen(int(f.Fd())); !open || !strings.HasSuffix(desc, "→ /dev/null") {
		t.Errorf("an fd left open: leftOpen = %q, %v", desc, open)
	}
	passing, err := unix.Open("/dev/zero", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skip(err)
	}
	go func() {
		time.Sleep(leakSettle / 4)
		unix.Close(passing)
	}()
	if desc, open := leftOpen(passing); open {
		t.Errorf("an fd closed %v later counts as left open: %q", leakSettle/4, desc)
	}
}

// The fast listing agrees with the slow one (fcntl over every number),
// also after a spec closed the listing's directory fd and its number went
// to another file.
func TestOpenFdsFastAgreesWithFcntl(t *testing.T) {
	slow := func() []int {
		var fds []int
		for fd := range 4096 {
			if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && fd != fdDir.fd {
				fds = append(fds, fd)
			}
		}
		return fds
	}
	check := func(when string) {
		t.Helper()
		fast, ok := openFdsFast()
		if !ok {
			t.Fatalf("%s: no fast listing", when)
		}
		if want := slow(); !slices.Equal(fast, want) {
			t.Errorf("%s: openFdsFast = %v, fcntl finds %v", when, fast, want)
		}
	}
	check("first listing")
	f, err := os.Open("/dev/null")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	check("with /dev/null open")
	// A spec closes the directory and its number goes to a file of its own.
	dirFd := fdDir.fd
	unix.Close(dirFd)
	taken, err := unix.Open("/dev/zero", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil || taken != dirFd {
		t.Skipf("could not stage the reuse of fd %d: got %d, %v", dirFd, taken, err)
	}
	defer unix.Close(taken)
	fast, ok := openFdsFast()
	if !ok || !slices.Contains(fast, taken) {
		t.Errorf("after its directory's number %d went to /dev/zero: openFdsFast = %v, %v, want it listed", taken, fast, ok)
	}
	check("after the reuse")
}
