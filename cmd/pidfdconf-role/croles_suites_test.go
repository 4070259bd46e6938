package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
	fanotifyroles "github.com/pidfdconf/pidfdconf/suites/fanotify/roles"
	getfdroles "github.com/pidfdconf/pidfdconf/suites/getfd/roles"
	mmroles "github.com/pidfdconf/pidfdconf/suites/mm/roles"
	openroles "github.com/pidfdconf/pidfdconf/suites/open/roles"
	pidfsroles "github.com/pidfdconf/pidfdconf/suites/pidfs/roles"
	seccomproles "github.com/pidfdconf/pidfdconf/suites/seccomp/roles"
	signalroles "github.com/pidfdconf/pidfdconf/suites/signal/roles"
)

// The suites' roles that cmd/pidfdconf-role-c has too, held to the Go ones
// as croles_test.go holds internal/role's.

// The C program names the roles it has when it is given another; they are
// the roles registered with RegisterWithC, so CBinary never sends a role
// to a program that lacks it, nor keeps one from the program that has it.
func TestCBinaryHasTheRolesRegisteredWithC(t *testing.T) {
	_, cBin := roleBinaries(t)
	cmd := exec.Command(cBin)
	cmd.Env = []string{kernel.RoleEnv + "=no-such-role"}
	out, _ := cmd.CombinedOutput()
	m := regexp.MustCompile(`one of ([^;]*);`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("%s did not list its roles: %q", cBin, out)
	}
	has := strings.Fields(string(m[1]))
	if !slices.Equal(slices.Sorted(slices.Values(has)), role.CRoles()) {
		t.Errorf("cmd/pidfdconf-role-c has %v, role.RegisterWithC registered %v", has, role.CRoles())
	}
}

// asRoot says whether the test runs as root, and logs what it leaves out
// when not.
func asRoot(t *testing.T, what string) bool {
	if os.Geteuid() != 0 {
		t.Logf("not root: %s is not compared", what)
		return false
	}
	return true
}

// statusField is a line of the helper's /proc status, its fields joined by
// one space.
func statusField(field string) func(h *helper) (string, error) {
	return func(h *helper) (string, error) {
		v, err := kernel.StatusField(strconv.Itoa(h.pid), field)
		return strings.Join(strings.Fields(v), " "), err
	}
}

func TestCMmHogAnswersAsTheGoRole(t *testing.T) {
	region := func(h *helper) (string, error) {
		words := strings.Fields(h.call("region"))
		if len(words) != 3 || words[0] != "ok" {
			return strings.Join(words, " "), nil
		}
		addr, err := strconv.ParseUint(words[1], 10, 64)
		return fmt.Sprintf("page aligned %v, length %s", addr%uint64(os.Getpagesize()) == 0, words[2]), err
	}
	resident := func(h *helper) (string, error) {
		v, err := kernel.ProcField(strconv.Itoa(h.pid), "smaps_rollup", "Anonymous")
		kb, _ := strconv.Atoi(strings.TrimSuffix(v, " kB"))
		return fmt.Sprintf("at least the hog resident: %v", kb >= mmroles.HogSize>>10), err
	}
	runScript(t, mmroles.Hog, nil, append([]step{
		{do: region, want: fmt.Sprintf("page aligned true, length %d", mmroles.HogSize)},
		{do: resident, want: "at least the hog resident: true"},
		{send: "undumpable", want: "ok"},
		{send: "no-such-command", want: "err EINVAL"},
	}, endsWhenClosed...))
	// A hog of the size its argument gives: the specs of hints and errors.
	runScript(t, mmroles.Hog, mmroles.HogArgs(mmroles.HintSize), append([]step{
		{do: region, want: fmt.Sprintf("page aligned true, length %d", mmroles.HintSize)},
	}, endsWhenClosed...))
}

// A hog refuses a size that is not a multiple of the page size from one
// page to HogSize, or more than one argument, in both roles alike: its
// first message is EINVAL, and it exits 1.
func TestCMmHogRefusesABadSizeAsTheGoRole(t *testing.T) {
	goBin, cBin := roleBinaries(t)
	page := os.Getpagesize()
	for _, args := range [][]string{{"0"}, {"-4096"}, {"x"}, {strconv.Itoa(page + 1)}, {strconv.Itoa(mmroles.HogSize + page)}, {strconv.Itoa(page), "1"}} {
		for _, bin := range []string{goBin, cBin} {
			h := launchHelper(t, true, bin, goBin, mmroles.Hog, args...)
			if got := h.anonymous(h.recv()); got != "err EINVAL" {
				t.Errorf("%s mm-hog %q answered %q, want err EINVAL", filepath.Base(bin), args, got)
				continue // a hog that took the size serves on: its cleanup kills it
			}
			if err := h.cmd.Wait(); h.cmd.ProcessState.ExitCode() != 1 {
				t.Errorf("%s mm-hog %q ended with %v, want exit 1", filepath.Base(bin), args, err)
			}
		}
	}
}

// fetched is a step that takes the holder's memfd with pidfd_getfd and
// describes it: its name, status flags, and whether the holder's stat
// names the same file.
func fetched(h *helper) (string, error) {
	fd, err := strconv.Atoi(strings.TrimPrefix(h.call("fd"), "ok "))
	if err != nil {
		return "", err
	}
	pidfd, err := unix.PidfdOpen(h.pid, 0)
	if err != nil {
		return "", err
	}
	defer unix.Close(pidfd)
	got, err := unix.PidfdGetfd(pidfd, fd, 0)
	if err != nil {
		return "", err
	}
	defer unix.Close(got)
	name, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", got))
	if err != nil {
		return "", err
	}
	flags, err := unix.FcntlInt(uintptr(got), unix.F_GETFL, 0)
	if err != nil {
		return "", err
	}
	var st unix.Stat_t
	if err := unix.Fstat(got, &st); err != nil {
		return "", err
	}
	if _, err := unix.Write(got, []byte("abc")); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s, append %v, rdwr %v, stat %v, offset after 3 bytes: %s", name,
		flags&unix.O_APPEND != 0, flags&unix.O_ACCMODE == unix.O_RDWR,
		h.call("stat") == fmt.Sprintf("ok %d %d", st.Dev, st.Ino), h.call("offset")), nil
}

func TestCGetfdHolderAnswersAsTheGoRole(t *testing.T) {
	want := func(offset int) string {
		return fmt.Sprintf("/memfd:pidfdconf-getfd (deleted), append true, rdwr true, stat true, offset after 3 bytes: ok %d", offset)
	}
	runScript(t, getfdroles.Holder, nil, append([]step{
		{do: fetched, want: want(3)},
		{send: "nondumpable", want: "ok"},
		{do: fetched, want: want(6)}, // root keeps CAP_SYS_PTRACE
		{send: "no-such-command", want: "err EINVAL"},
	}, endsWhenClosed...))
	if !asRoot(t, "the holder's uid argument") {
		return
	}
	runScript(t, getfdroles.Holder, []string{"65534"}, []step{
		{do: statusField("Uid"), want: "65534 65534 65534 65534"},
		{do: statusField("Gid"), want: "65534 65534 65534 65534"},
		{do: statusField("Groups"), want: ""},
		{do: fetched, want: want(3)},
	})
}

// A receiver is a Go sigwait helper (role.Sigwait) that a sender's signals
// go to through a pidfd; its take shows the siginfo that came.
func receiver(t *testing.T) (take func(sig int) string, pidfd int) {
	goBin, _ := roleBinaries(t)
	r := startHelper(t, goBin, goBin, role.Sigwait)
	pidfd, err := unix.PidfdOpen(r.pid, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(pidfd) })
	return func(sig int) string { return r.call(fmt.Sprintf("take <pid> %d 5000", sig)) }, pidfd
}

// sendThrough is a step that sends cmd with *pidfd along, as it is when
// the step runs.
func sendThrough(pidfd *int, cmd string) func(h *helper) (string, error) {
	return func(h *helper) (string, error) {
		msg, _, err := h.exchange(cmd, *pidfd)
		return h.anonymous(msg), err
	}
}

func TestCSignalSenderAnswersAsTheGoRole(t *testing.T) {
	var take func(int) string
	var pidfd int
	send := func(cmd string) func(h *helper) (string, error) { return sendThrough(&pidfd, cmd) }
	taken := func(sig int) func(h *helper) (string, error) {
		return func(h *helper) (string, error) { return h.anonymous(take(sig)), nil }
	}
	uid := os.Getuid()
	runScript(t, signalroles.Sender, nil, append([]step{
		{do: func(*helper) (string, error) { take, pidfd = receiver(t); return "", nil }},
		{do: send("send 12 0"), want: "ok"},
		{do: taken(12), want: fmt.Sprintf("ok 12 0 <pid> %d 0", uid)},
		{do: send("queue 12 7"), want: "ok"},
		{do: taken(12), want: fmt.Sprintf("ok 12 -1 <pid> %d 7", uid)},
		{do: send("send 12 8"), want: "err EINVAL"},
		{send: "send 12 0", want: "err EINVAL"},
		{send: "kill-own-child", want: "ok 9"},
		{send: "no-such-command", want: "err EINVAL"},
	}, endsWhenClosed...))
	if !asRoot(t, "the sender's uid arguments") {
		return
	}
	runScript(t, signalroles.Sender, []string{"65534", "65534"}, []step{
		{do: func(*helper) (string, error) { take, pidfd = receiver(t); return "", nil }},
		{do: statusField("Uid"), want: "65534 65534 65534 65534"},
		{do: statusField("Gid"), want: "65534 65534 65534 65534"},
		{do: send("send 12 0"), want: "err EPERM"},
		{send: "kill-own-child", want: "ok 9"},
	})
}

// The scoped sender may signal only its own Landlock domain: itself and
// its children, not the test's receiver.
func TestCSignalScopedSenderAnswersAsTheGoRole(t *testing.T) {
	if err := kernel.LandlockScopeSignal.Probe(); err != nil {
		t.Skipf("no LANDLOCK_SCOPE_SIGNAL: %v", err)
	}
	var pidfd int
	send := func(cmd string) func(h *helper) (string, error) { return sendThrough(&pidfd, cmd) }
	runScript(t, signalroles.ScopedSender, nil, append([]step{
		{do: func(*helper) (string, error) { _, pidfd = receiver(t); return "", nil }},
		{do: send("send 12 0"), want: "err EPERM"},
		{do: send("queue 12 7"), want: "err EPERM"},
		{do: send("send 12 8"), want: "err EINVAL"},
		{do: func(h *helper) (string, error) {
			var err error
			pidfd, err = unix.PidfdOpen(h.pid, 0)
			t.Cleanup(func() { unix.Close(pidfd) })
			return "", err
		}},
		{do: send("send 0 0"), want: "ok"},
		{do: send("queue 0 7"), want: "ok"},
		{send: "send 0 0", want: "err EINVAL"},
		{send: "kill-own-child", want: "ok 9"},
		{send: "no-such-command", want: "err EINVAL"},
	}, endsWhenClosed...))
}

// A role given arguments it cannot take refuses them before it says
// ready, and ends, as the Go role does.
func TestCRolesRefuseBadArgumentsAsTheGoRoles(t *testing.T) {
	goBin, cBin := roleBinaries(t)
	for _, c := range []struct {
		role string
		args []string
		end  string
	}{
		{signalroles.Sender, []string{"1"}, "exit status 2"},
		{pidfsroles.PtraceTarget, nil, "exit status 1"},
	} {
		for _, bin := range []string{goBin, cBin} {
			ch, theirs, err := role.NewChannelPair()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, c.args...)
			cmd.Env = []string{kernel.RoleEnv + "=" + c.role}
			cmd.ExtraFiles = []*os.File{theirs}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			theirs.Close()
			h := &helper{t: t, cmd: cmd, ch: ch, pid: cmd.Process.Pid}
			if got := h.anonymous(h.recv()); got != "err EINVAL" {
				t.Errorf("%s in role %s %v: first answer %q, want err EINVAL", bin, c.role, c.args, got)
			}
			if end := h.end(); end != c.end {
				t.Errorf("%s in role %s %v: %s, want %s", bin, c.role, c.args, end, c.end)
			}
			ch.Close()
		}
	}
}

func TestCSocketPeerAnswersAsTheGoRole(t *testing.T) {
	var sock int
	// peerOf says whose pidfd SO_PEERPIDFD on the test's end gives.
	peerOf := func(h *helper) (string, error) {
		pidfd, err := kernel.GetPeerPidfd(sock)
		if err != nil {
			return "", err
		}
		defer unix.Close(pidfd)
		info, err := kernel.Fdinfo(pidfd)
		return h.anonymous("peer " + info["Pid"]), err
	}
	// asked is the helper's own answer to peer-pidfd: the Pid of its
	// fdinfo text, and the pidfd's.
	asked := func(cmd string, fds ...int) func(h *helper) (string, error) {
		return func(h *helper) (string, error) {
			msg, got, err := h.exchange(cmd, fds...)
			if err != nil || len(got) != 1 {
				return fmt.Sprintf("%s, %d fds", h.anonymous(msg), len(got)), err
			}
			info, err := kernel.Fdinfo(got[0])
			said := kernel.ParseFdinfo(strings.TrimPrefix(msg, "ok "))
			return h.anonymous(fmt.Sprintf("says Pid %s sent Pid %s", said["Pid"], info["Pid"])), err
		}
	}
	keepOurs := func(h *helper) (string, error) {
		msg, _, err := h.exchange("keep", sock)
		return h.anonymous(msg), err
	}
	read := func(h *helper) (string, error) {
		b := make([]byte, 8)
		n, err := unix.Read(sock, b)
		return string(b[:n]), err
	}
	reExec := func(cmd string) func(h *helper) (string, error) {
		return func(h *helper) (string, error) {
			if err := h.ch.Send(cmd); err != nil {
				return "", err
			}
			return h.anonymous(h.recv()), nil
		}
	}
	runScript(t, openroles.SocketPeer, nil, append([]step{
		{do: func(h *helper) (string, error) {
			msg, got, err := h.exchange("socket")
			if err == nil && len(got) == 1 {
				sock = got[0]
			}
			return fmt.Sprintf("%s, %d fds", h.anonymous(msg), len(got)), err
		}, want: "ok, 1 fds"},
		{do: peerOf, want: "peer <pid>"},
		{send: "say", want: "ok"},
		{do: read, want: "x"},
		{send: "say-as <pid>", want: "ok"},
		{do: read, want: "x"},
		{send: "say-as 999999999", want: "err ESRCH"},
		{do: asked("peer-pidfd"), want: "err EBADF, 0 fds"},
		{do: asked("peer-pidfd", 0), want: "err ENOTSOCK, 0 fds"},
		{send: "keep", want: "err EINVAL"},
		{do: keepOurs, want: "ok"},
		{do: asked("peer-pidfd"), want: "says Pid <pid> sent Pid <pid>"},
		{send: "exec", want: "err EINVAL"},
		{do: reExec("exec " + openroles.SocketPeer), want: "ready <pid>"},
		{do: peerOf, want: "peer <pid>"},
		{do: asked("peer-pidfd"), want: "err EBADF, 0 fds"},
		{do: reExec("exec-thread " + role.Process), want: "ready <pid>"},
		{do: peerOf, want: "peer <pid>"},
		{send: "ping", want: "ok <pid>"},
	}, endsWhenClosed...))
}

func TestCGetfdUnprivilegedAnswersAsTheGoRole(t *testing.T) {
	if !asRoot(t, "a caller of another uid") {
		return
	}
	goBin, _ := roleBinaries(t)
	var holderPid, holderFd int
	var holderPidfd int
	// nobodysFile starts a holder as uid 65534, whose memfd the caller,
	// as the same user, may take.
	nobodysFile := func(*helper) (string, error) {
		holder := startHelper(t, goBin, goBin, getfdroles.Holder, "65534")
		holderPid = holder.pid
		fd, err := strconv.Atoi(strings.TrimPrefix(holder.call("fd"), "ok "))
		if err != nil {
			return "", err
		}
		holderFd = fd
		holderPidfd, err = unix.PidfdOpen(holderPid, 0)
		t.Cleanup(func() { unix.Close(holderPidfd) })
		return "", err
	}
	call := func(cmd func() string, fds ...int) func(h *helper) (string, error) {
		return func(h *helper) (string, error) {
			msg, _, err := h.exchange(cmd(), fds...)
			return h.anonymous(msg), err
		}
	}
	through := func(h *helper) (string, error) {
		return call(func() string { return fmt.Sprintf("getfd-through %d", holderFd) }, holderPidfd)(h)
	}
	own := func() string { return fmt.Sprintf("getfd %d %d", holderPid, holderFd) }
	runScript(t, getfdroles.UnprivilegedCaller, []string{"65534"}, []step{
		{do: nobodysFile},
		{do: statusField("Uid"), want: "65534 65534 65534 65534"},
		{do: call(own), want: "ok"},
		{do: through, want: "ok"},
		{send: fmt.Sprintf("getfd %d 0", os.Getpid()), want: "err EPERM"},
		{send: "getfd 999999999 0", want: "err ESRCH"},
		{send: "getfd 1", want: "err EINVAL"},
		{send: "getfd-through 0", want: "err EINVAL"},
	})
	runScript(t, getfdroles.UnprivilegedCaller, nil, []step{
		{send: fmt.Sprintf("getfd %d 0", os.Getpid()), want: "ok"},
		{send: fmt.Sprintf("getfd %d 999", os.Getpid()), want: "err EBADF"},
	})
}

func TestCNamespaceAskerAnswersAsTheGoRole(t *testing.T) {
	if !asRoot(t, "an asker of another uid") {
		return
	}
	pidfd, err := unix.PidfdOpen(os.Getpid(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(pidfd)
	ask := func(ioctl uint) func(h *helper) (string, error) {
		return func(h *helper) (string, error) {
			msg, _, err := h.exchange(fmt.Sprintf("ns %d", ioctl), pidfd)
			return h.anonymous(msg), err
		}
	}
	nsOK := "ok"
	if kernel.NamespaceIoctls.Probe() != nil {
		nsOK = "" // the ioctls are younger than this kernel: the two need only agree
	}
	runScript(t, pidfsroles.NamespaceAsker, nil, []step{
		{do: ask(unix.PIDFD_GET_UTS_NAMESPACE), want: nsOK},
		{do: ask(1), want: "err ENOTTY"},
		{send: "ns 1", want: "err EINVAL"},
	})
	runScript(t, pidfsroles.NamespaceAsker, []string{"65534"}, []step{
		{do: statusField("Uid"), want: "65534 65534 65534 65534"},
		{do: ask(unix.PIDFD_GET_UTS_NAMESPACE)},
	})
}

// owner is the uid /proc shows the helper's status file as owned by: root
// for a process that is not dumpable.
func owner(h *helper) (string, error) {
	var st unix.Stat_t
	err := unix.Stat(fmt.Sprintf("/proc/%d/status", h.pid), &st)
	return strconv.Itoa(int(st.Uid)), err
}

func TestCPtraceTargetAnswersAsTheGoRole(t *testing.T) {
	if !asRoot(t, "a target of another uid") {
		return
	}
	runScript(t, pidfsroles.PtraceTarget, []string{"1", "65534"}, append([]step{
		{do: statusField("Uid"), want: "65534 65534 65534 65534"},
		{do: owner, want: "65534"},
		{send: "anything", want: "err EINVAL"},
	}, endsWhenClosed...))
	runScript(t, pidfsroles.PtraceTarget, []string{"0", "65534"}, []step{
		{do: owner, want: "0"},
	})
}

func TestCFanotifyOpenerAnswersAsTheGoRole(t *testing.T) {
	withFd := func(h *helper) (string, error) {
		msg, _, err := h.exchange("open /", 0)
		return h.anonymous(msg), err
	}
	runScript(t, fanotifyroles.Opener, nil, append([]step{
		{send: "open /", want: "ok"},
		{send: "open /no/such/path", want: "err ENOENT"},
		{send: "open", want: "err EINVAL"},
		{send: "open / /", want: "err EINVAL"},
		{do: withFd, want: "err EINVAL"},
		{send: "no-such-command", want: "err EINVAL"},
	}, endsWhenClosed...))
}

func TestCPidfsLandlockedAnswersAsTheGoRole(t *testing.T) {
	if err := kernel.Landlock.Probe(); err != nil {
		t.Skipf("no Landlock: %v", err)
	}
	runScript(t, pidfsroles.Landlocked, nil, append([]step{
		{do: func(h *helper) (string, error) { return h.recv(), nil },
			want: "ok open file=EACCES;pidfd_open=success;poll=success;pidfd_send_signal=success;pidfd_getfd=success"},
		{send: "open", want: "err EINVAL"},
	}, endsWhenClosed...))
}

// The seccomp target's trapped openat waits for a supervisor: the test is
// one, and answers each notification as the step says.
func TestCSeccompTargetAnswersAsTheGoRole(t *testing.T) {
	if _, ok := kernel.TrapFilter(unix.SYS_OPENAT, 3, seccomproles.TrapMode); !ok {
		t.Skip("no seccomp filter for this architecture")
	}
	if err := kernel.SeccompAddfd.Probe(); err != nil {
		t.Skipf("no SECCOMP_IOCTL_NOTIF_ADDFD: %v", err)
	}
	// files are the names of the files an answer "ok <fd> <dev> <ino>" may
	// describe, by "<dev> <ino>".
	files := map[string]string{}
	name := func(what string, fd int) error {
		var st unix.Stat_t
		err := unix.Fstat(fd, &st)
		files[fmt.Sprint(st.Dev, st.Ino)] = what
		return err
	}
	// described writes such an answer with its file's name, and its fd as
	// <fd>, or <given> when it is the one the supervisor gave.
	described := func(h *helper, answer string, given int) string {
		w := strings.Fields(answer)
		if len(w) != 4 || w[0] != "ok" {
			return h.anonymous(answer)
		}
		fd := "<fd>"
		if w[1] == strconv.Itoa(given) {
			fd = "<given>"
		}
		return fmt.Sprintf("ok %s %s", fd, files[w[2]+" "+w[3]])
	}
	root, err := unix.Open("/", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(root)
	given, err := unix.MemfdCreate("pidfdconf-supervisor", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(given)
	if err := errors.Join(name("<root>", root), name("<supervisor's memfd>", given)); err != nil {
		t.Fatal(err)
	}
	var listener int
	// listen also fetches the memfd the answer names: it is the target's.
	listen := func(h *helper) (string, error) {
		msg, fds, err := h.exchange("listen")
		if err != nil || len(fds) != 1 {
			return fmt.Sprintf("%s, %d fds", h.anonymous(msg), len(fds)), err
		}
		listener = fds[0]
		var memfd int
		if _, err := fmt.Sscanf(msg, "ok %d", &memfd); err != nil {
			return h.anonymous(msg), nil
		}
		pidfd, err := unix.PidfdOpen(h.pid, 0)
		if err != nil {
			return "", err
		}
		defer unix.Close(pidfd)
		got, err := unix.PidfdGetfd(pidfd, memfd, 0)
		if err != nil {
			return "", fmt.Errorf("pidfd_getfd of the memfd in %q: %w", msg, err)
		}
		defer unix.Close(got)
		err = name("<its memfd>", got)
		return described(h, msg, -1) + ", 1 fds", err
	}
	// trapped has the target open, answers the notification as supervise
	// does, and returns the target's answer; supervise returns the fd it
	// gave the target, if any.
	trapped := func(supervise func(n kernel.SeccompNotif) (int, error)) func(h *helper) (string, error) {
		return func(h *helper) (string, error) {
			if err := h.ch.Send("open"); err != nil {
				return "", err
			}
			if _, err := kernel.WaitReadable(context.Background(), listener, 10*time.Second); err != nil {
				return "", err
			}
			n, err := kernel.SeccompNotifyRecv(listener)
			if err != nil {
				return "", err
			}
			if n.Pid != uint32(h.pid) || n.Data.Nr != unix.SYS_OPENAT || n.Data.Args[3] != seccomproles.TrapMode {
				return fmt.Sprintf("notified of pid %d, nr %d, mode %#x", n.Pid, n.Data.Nr, n.Data.Args[3]), nil
			}
			fd, err := supervise(n)
			if err != nil {
				return "", err
			}
			return described(h, h.recv(), fd), nil
		}
	}
	addfd := func(n kernel.SeccompNotif) (int, error) {
		fd, err := kernel.SeccompNotifyAddfd(listener, kernel.SeccompNotifAddfd{ID: n.ID, Srcfd: uint32(given)})
		if err != nil {
			return -1, err
		}
		return fd, kernel.SeccompNotifySend(listener, kernel.SeccompNotifResp{ID: n.ID, Val: int64(fd)})
	}
	deny := func(n kernel.SeccompNotif) (int, error) {
		return -1, kernel.SeccompNotifySend(listener, kernel.SeccompNotifResp{ID: n.ID, Error: -int32(unix.EPERM)})
	}
	let := func(n kernel.SeccompNotif) (int, error) {
		return -1, kernel.SeccompNotifySend(listener, kernel.SeccompNotifResp{ID: n.ID, Flags: unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE})
	}
	runScript(t, seccomproles.Target, nil, append([]step{
		{do: func(h *helper) (string, error) { return described(h, h.call("open"), -1), nil }, want: "ok <fd> <root>"},
		{do: listen, want: "ok <fd> <its memfd>, 1 fds"},
		{do: trapped(addfd), want: "ok <given> <supervisor's memfd>"},
		{do: trapped(deny), want: "err EPERM"},
		{do: trapped(let), want: "ok <fd> <root>"},
		{send: "no-such-command", want: "err EINVAL"},
	}, endsWhenClosed...))
}
