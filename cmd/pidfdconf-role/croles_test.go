package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
	"github.com/pidfdconf/pidfdconf/vm/image"
)

// cmd/pidfdconf-role-c stands in for this binary's roles in role.CRoles
// (role.CBinary): these tests hold it to them. Each runs the same
// commands against a helper of either and wants the same answers, the same
// signal dispositions, and the same end for every signal.

// roleBinaries builds this program and cmd/pidfdconf-role-c once, as make
// role-binary and the VM images do; TestMain removes them.
func roleBinaries(t *testing.T) (goBin, cBin string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the role binaries")
	}
	built.once.Do(func() {
		var root string
		if root, built.err = image.ModuleRoot("."); built.err != nil {
			return
		}
		if built.dir, built.err = os.MkdirTemp("", "pidfdconf-roles-"); built.err != nil {
			return
		}
		built.RoleBinaries, built.err = image.BuildRoleBinaries(context.Background(), root, built.dir, runtime.GOARCH, t.Logf)
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.Go, built.C
}

var built struct {
	once sync.Once
	dir  string
	image.RoleBinaries
	err error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// A helper is one process in a role, from one of the two binaries.
type helper struct {
	t    *testing.T
	cmd  *exec.Cmd
	ch   *role.Channel
	pid  int
	tids []int
}

// startHelper starts bin in roleName with args; sigwait helpers are born
// with role.HeldSignals blocked, as helpers.StartSigwait starts them, and
// pidns-init in a new pid and mount namespace, as helpers.NewPidNS starts
// it (which needs root here).
func startHelper(t *testing.T, bin, goBin, roleName string, args ...string) *helper {
	t.Helper()
	return launchHelper(t, false, bin, goBin, roleName, args...)
}

// launchHelper is startHelper, which unready leaves before the helper's
// first message: for the roles that refuse their arguments.
func launchHelper(t *testing.T, unready bool, bin, goBin, roleName string, args ...string) *helper {
	t.Helper()
	ch, theirs, err := role.NewChannelPair()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{kernel.RoleEnv + "=" + roleName, "GOMAXPROCS=1", kernel.RoleBinaryEnv + "=" + goBin}
	if bin != goBin {
		cmd.Env = append(cmd.Env, kernel.RoleCBinaryEnv+"="+bin)
	}
	cmd.ExtraFiles = []*os.File{theirs}
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	readyPid := "" // the pid it reports: its own, or 1 inside its namespace
	if roleName == role.PidNSInit {
		if os.Geteuid() != 0 {
			t.Skip("pidns-init needs root for its pid namespace")
		}
		cmd.SysProcAttr.Cloneflags = unix.CLONE_NEWPID | unix.CLONE_NEWNS
		readyPid = "1"
	}
	if roleName == role.Sigwait {
		if blockErr := role.WithHeldSignalsBlocked(func() { err = cmd.Start() }); blockErr != nil {
			err = blockErr
		}
	} else {
		err = cmd.Start()
	}
	theirs.Close()
	if err != nil {
		t.Fatal(err)
	}
	h := &helper{t: t, cmd: cmd, ch: ch, pid: cmd.Process.Pid}
	if readyPid == "" {
		readyPid = strconv.Itoa(h.pid)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		ch.Close()
	})
	if unready {
		return h
	}
	ready := strings.Fields(h.recv())
	if len(ready) < 2 || ready[0] != "ready" || ready[1] != readyPid {
		t.Fatalf("%s in role %s answered %q, want ready %s", bin, roleName, ready, readyPid)
	}
	for _, f := range ready[2:] {
		tid, _ := strconv.Atoi(f)
		h.tids = append(h.tids, tid)
	}
	return h
}

func (h *helper) recv() string {
	h.t.Helper()
	msg, fds, err := h.ch.Recv(context.Background(), 10*time.Second)
	role.CloseAll(fds)
	if err != nil {
		h.t.Fatalf("helper %d: %v", h.pid, err)
	}
	return msg
}

// call sends a command and returns the answer with the helper's pid and
// tids, and the test's pid, written as names, so the answers of two
// helpers compare.
func (h *helper) call(cmd string) string {
	h.t.Helper()
	if err := h.ch.Send(h.named(cmd)); err != nil {
		h.t.Fatal(err)
	}
	return h.anonymous(h.recv())
}

// named writes the names <pid>, <tid0>… of cmd as this helper's numbers.
func (h *helper) named(cmd string) string {
	cmd = strings.ReplaceAll(cmd, "<pid>", strconv.Itoa(h.pid))
	for i, tid := range h.tids {
		cmd = strings.ReplaceAll(cmd, fmt.Sprintf("<tid%d>", i), strconv.Itoa(tid))
	}
	return cmd
}

// anonymous keeps an answer's errno and numbers but writes this helper's
// ids, and the test's pid, as names; the text after an errno is each
// implementation's own.
func (h *helper) anonymous(answer string) string {
	words := strings.Fields(answer)
	if len(words) > 2 && words[0] == "err" {
		words = words[:2]
	}
	names := map[string]string{strconv.Itoa(h.pid): "<pid>", strconv.Itoa(os.Getpid()): "<test>"}
	for i, tid := range h.tids {
		names[strconv.Itoa(tid)] = fmt.Sprintf("<tid%d>", i)
	}
	for i, w := range words {
		if n, ok := names[w]; ok && i > 0 {
			words[i] = n
		}
	}
	return strings.Join(words, " ")
}

// end is how the helper ended: its wait status, within 10 s.
func (h *helper) end() string {
	h.t.Helper()
	done := make(chan error, 1)
	go func() { done <- h.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		h.t.Fatalf("helper %d did not end", h.pid)
	}
	return h.cmd.ProcessState.String()
}

// A step is one command, or an action of the test, and its answer.
type step struct {
	send string                          // a command, with <pid> and <tidN> for the helper's ids
	do   func(h *helper) (string, error) // instead of send
	want string                          // the answer, as anonymous writes it; "" checks only that both agree
}

// runScript runs steps against a helper of each binary and wants the same
// answers, and each step's own where it names one.
func runScript(t *testing.T, roleName string, args []string, steps []step) {
	goBin, cBin := roleBinaries(t)
	var answers [2][]string
	for i, bin := range []string{goBin, cBin} {
		h := startHelper(t, bin, goBin, roleName, args...)
		if threaded := roleName == role.Process || roleName == role.Sigwait; threaded && len(args) > 0 && strconv.Itoa(len(h.tids)) != args[0] {
			t.Fatalf("%s reported threads %v for args %v", bin, h.tids, args)
		}
		for _, s := range steps {
			answer := ""
			if s.do != nil {
				var err error
				if answer, err = s.do(h); err != nil {
					t.Fatalf("%s, step %d: %v", bin, len(answers[i]), err)
				}
			} else {
				answer = h.call(s.send)
			}
			answers[i] = append(answers[i], answer)
		}
	}
	for i := range steps {
		what := steps[i].send
		if what == "" {
			what = fmt.Sprintf("step %d", i)
		}
		if answers[0][i] != answers[1][i] {
			t.Errorf("%s: the Go role answers %q, the C role %q", what, answers[0][i], answers[1][i])
		}
		if want := steps[i].want; want != "" && answers[1][i] != want {
			t.Errorf("%s: the roles answer %q, want %q", what, answers[1][i], want)
		}
	}
}

// taskState is the state letter of a thread of the helper, or "gone".
func taskState(h *helper, tid int) (string, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		state, err := kernel.ThreadState(h.pid, tid)
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, unix.ESRCH) {
			return "gone", nil
		}
		if err != nil || state == "Z" || time.Now().After(deadline) {
			return state, err
		}
		time.Sleep(time.Millisecond)
	}
}

// sendSignal is a step that sends sig to the helper, or with toThread to
// its first extra thread.
func sendSignal(sig unix.Signal, toThread bool) func(h *helper) (string, error) {
	return func(h *helper) (string, error) {
		if toThread {
			return "", unix.Tgkill(h.pid, h.tids[0], sig)
		}
		return "", unix.Kill(h.pid, sig)
	}
}

// endsWhenClosed are the last steps of a script: the test closes its end,
// and the helper exits 0.
var endsWhenClosed = []step{
	{do: func(h *helper) (string, error) { return "", h.ch.Close() }},
	{do: func(h *helper) (string, error) { return h.end(), nil }, want: "exit status 0"},
}

// A role the program does not have ends it with status 125, as the Go
// binary ends (role.RunIfHelper), before it says anything.
func TestCUnknownRoleExitsAsTheGoBinary(t *testing.T) {
	goBin, cBin := roleBinaries(t)
	for _, bin := range []string{goBin, cBin} {
		cmd := exec.Command(bin)
		cmd.Env = []string{kernel.RoleEnv + "=no-such-role"}
		if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 125 {
			t.Errorf("%s in role no-such-role: %v, want exit status 125", bin, err)
		}
	}
}

func TestCProcessAnswersAsTheGoRole(t *testing.T) {
	runScript(t, role.Process, []string{"2"}, []step{
		{send: "ping", want: "ok <pid>"},
		{send: "no-such-command", want: "err EINVAL"},
		{send: "exit-thread 999999999", want: "err ESRCH"},
		{send: "exec-thread", want: "err EINVAL"},
		{send: "exec-thread <tid0>", want: "err EINVAL"},
		{send: "exit-thread <tid0>", want: "ok"},
		{do: func(h *helper) (string, error) { return taskState(h, h.tids[0]) }, want: "gone"},
		{send: "exit-thread <tid0>", want: "err ESRCH"},
		{send: "exit-leader", want: "ok"},
		{do: func(h *helper) (string, error) { return taskState(h, h.pid) }, want: "Z"},
		{send: "ping", want: "ok <pid>"},
		{do: func(h *helper) (string, error) {
			// An exec answers only when it fails; the new image says ready.
			if err := h.ch.Send(h.named("exec-thread <tid1> process 1")); err != nil {
				return "", err
			}
			ready := strings.Fields(h.recv())
			return fmt.Sprintf("%s, pid kept: %v, %d thread", ready[0], ready[1] == strconv.Itoa(h.pid), len(ready)-2), nil
		}, want: "ready, pid kept: true, 1 thread"},
		{do: func(h *helper) (string, error) { return "", h.ch.Send("exit 7") }},
		{do: func(h *helper) (string, error) { return h.end(), nil }, want: "exit status 7"},
	})
}

func TestCProcessEndsWhenTheTestCloses(t *testing.T) {
	runScript(t, role.Process, nil, endsWhenClosed)
}

func TestCSigwaitAnswersAsTheGoRole(t *testing.T) {
	uid := os.Getuid()
	runScript(t, role.Sigwait, []string{"1"}, append([]step{
		{send: "pending <pid>", want: "ok"},
		{do: sendSignal(unix.SIGUSR2, false)},
		{send: "pending <tid0>", want: "ok 12"},
		{send: "take <tid0> 12 5000", want: fmt.Sprintf("ok 12 0 <test> %d 0", uid)},
		{send: "take <pid> 12 10", want: "err EAGAIN"},
		{do: sendSignal(35, true)},
		{send: "pending <pid>", want: "ok"},
		{send: "pending <tid0>", want: "ok 35"},
		{send: "take <tid0> 35 5000", want: fmt.Sprintf("ok 35 -6 <test> %d 0", uid)},
		{send: "send-self 36 -1 0", want: "ok"},
		{send: "take <pid> 36 5000", want: fmt.Sprintf("ok 36 -1 <pid> %d 0", uid)},
		{send: "send-self 36 0 0"},
		{send: "take 1 2", want: "err EINVAL"},
		{send: "take 999999999 12 0", want: "err EINVAL"},
		{send: "pending <tid0> extra", want: "err EINVAL"},
		{send: "no-such-command", want: "err EINVAL"},
	}, endsWhenClosed...))
}

// pidns-init's answers carry pidfds; a step keeps them for the next.
type nsSteps struct {
	pidfds map[string]int // by the number the answer named
	peers  []*role.Channel
	last   string
}

// callWith sends cmd with fds and returns the answer; a pidfd that comes
// with it is kept under key.
func (n *nsSteps) callWith(h *helper, key, cmd string, fds ...int) (string, error) {
	msg, got, err := h.exchange(cmd, fds...)
	if err != nil {
		return "", err
	}
	n.last = msg
	if len(got) == 1 && key != "" {
		n.pidfds[key] = got[0]
	}
	return fmt.Sprintf("%s, %d fds", h.anonymous(msg), len(got)), nil
}

// exchange sends cmd with fds and returns the answer as it came, and the
// fds that came with it, which the test's cleanup closes.
func (h *helper) exchange(cmd string, fds ...int) (string, []int, error) {
	if err := h.ch.Send(h.named(cmd), fds...); err != nil {
		return "", nil, err
	}
	msg, got, err := h.ch.Recv(context.Background(), 10*time.Second)
	h.t.Cleanup(func() { role.CloseAll(got) })
	return msg, got, err
}

// spawn has pid 1 start role at pid number nsPid with a peer of its own,
// and returns the answer and what the new process says on the peer.
func (n *nsSteps) spawn(nsPid int, roleName string) func(h *helper) (string, error) {
	return func(h *helper) (string, error) {
		peer, theirs, err := role.NewChannelPair()
		if err != nil {
			return "", err
		}
		n.peers = append(n.peers, peer)
		h.t.Cleanup(func() { peer.Close() })
		answer, err := n.callWith(h, strconv.Itoa(nsPid), fmt.Sprintf("spawn %d %s", nsPid, roleName), int(theirs.Fd()))
		theirs.Close()
		if err != nil || strings.HasPrefix(answer, "err ") {
			return answer, err
		}
		ready, fds, err := peer.Recv(context.Background(), 10*time.Second)
		role.CloseAll(fds)
		if nsPid == 0 {
			// Whichever number is free: the Go role's threads take some.
			answer = regexp.MustCompile(`^ok \d+`).ReplaceAllString(answer, "ok <any>")
			ready = regexp.MustCompile(`^ready \d+`).ReplaceAllString(ready, "ready <any>")
		}
		return answer + "; the new process says " + strings.TrimSpace(ready), err
	}
}

// The C pid 1 runs a role it has in the process it forks, without an exec
// (become_role): the process must be the one the exec made, with the
// channel as fd 3, stdout and stderr and nothing else, and the signal
// dispositions of the same role the test starts itself.
func TestCPidNSInitForksItsRolesAsTheirExecWould(t *testing.T) {
	goBin, cBin := roleBinaries(t)
	want, err := sigMasks(startHelper(t, cBin, goBin, role.Process))
	if err != nil {
		t.Fatal(err)
	}
	h := startHelper(t, cBin, goBin, role.PidNSInit)
	n := nsSteps{pidfds: map[string]int{}}
	if answer, err := n.spawn(0, role.Process)(h); err != nil || !strings.HasPrefix(answer, "ok ") {
		t.Fatalf("spawn: %q, %v", answer, err)
	}
	pid, err := kernel.ProcField("self", "fdinfo/"+strconv.Itoa(n.pidfds["0"]), "Pid")
	if err != nil {
		t.Fatal(err)
	}
	fds, err := os.ReadDir("/proc/" + pid + "/fd")
	if err != nil {
		t.Fatal(err)
	}
	var open []string
	for _, fd := range fds {
		open = append(open, fd.Name())
	}
	hostPid, _ := strconv.Atoi(pid)
	masks, err := sigMasks(&helper{pid: hostPid})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("fds %v; %s", open, masks); got != "fds [1 2 3]; "+want {
		t.Errorf("the process pid 1 spawned has %s, want fds [1 2 3]; %s", got, want)
	}
}

func TestCPidNSInitAnswersAsTheGoRole(t *testing.T) {
	// The numbers a step chooses are far apart: the Go role's threads take
	// numbers after the last one given out, and may take the one chosen
	// (EBUSY), so a blocked process tries the next hundred then, as
	// helpers.ReusePidNumber does.
	var n nsSteps
	kill := func(nsPid string) func(h *helper) (string, error) {
		return func(h *helper) (string, error) {
			pidfd, ok := n.pidfds[nsPid]
			if !ok {
				return "", fmt.Errorf("no pidfd of %s: spawned %v, last answer %q", nsPid, n.pidfds, n.last)
			}
			return "", unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0)
		}
	}
	call := func(key, cmd string) func(h *helper) (string, error) {
		return func(h *helper) (string, error) { return n.callWith(h, key, cmd) }
	}
	blocked := 0
	spawnBlocked := func(h *helper) (string, error) {
		for blocked = 300; blocked < 800; blocked += 100 {
			answer, err := n.callWith(h, "blocked", fmt.Sprintf("spawn-blocked %d", blocked))
			if err != nil || !strings.HasPrefix(answer, "err EBUSY") {
				return strings.Replace(answer, strconv.Itoa(blocked), "<blocked>", 1), err
			}
		}
		return "", fmt.Errorf("pid numbers 300, 400, … 700 all stayed taken: %s", n.last)
	}
	reapBlocked := func(h *helper) (string, error) { return h.call(fmt.Sprintf("reap %d", blocked)), nil }
	fdinfoPid := func(h *helper) (string, error) {
		answer, err := n.callWith(h, "", "fdinfo", n.pidfds["opened"])
		if m := regexp.MustCompile(`\bPid:\s+(\S+)`).FindStringSubmatch(answer); m != nil {
			return "Pid: " + m[1], err
		}
		return answer, err
	}
	runScript(t, role.PidNSInit, nil, append([]step{
		{do: func(h *helper) (string, error) { n = nsSteps{pidfds: map[string]int{}}; return "", nil }},
		{do: n.spawn(50, role.Process), want: "ok 50, 1 fds; the new process says ready 50"},
		{do: n.spawn(50, role.Process), want: "err EBUSY, 0 fds"},
		{do: n.spawn(0, role.Process), want: "ok <any>, 1 fds; the new process says ready <any>"},
		{send: "spawn 300 process", want: "err EINVAL"},
		{do: spawnBlocked, want: "ok <blocked>, 1 fds"},
		{send: "spawn-blocked", want: "err EINVAL"},
		{do: kill("blocked")},
		{do: reapBlocked, want: "ok 9"},
		{do: reapBlocked, want: "err ECHILD"},
		{send: "reap 50 1", want: "err ECHILD"},
		{send: "reap 2", want: "err ECHILD"},
		{do: call("opened", "pidfd_open 50 0"), want: "ok, 1 fds"},
		{do: fdinfoPid, want: "Pid: 50"},
		{send: "pidfd_open 999 0", want: "err ESRCH"},
		{send: "pidfd_open 50", want: "err EINVAL"},
		{send: "fdinfo", want: "err EINVAL"},
		{send: "no-such-command", want: "err EINVAL"},
	}, endsWhenClosed...))
}

// sigMasks are a helper's signal masks as /proc/<pid>/status shows them.
func sigMasks(h *helper) (string, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", h.pid))
	var masks []string
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "SigBlk:") || strings.HasPrefix(line, "SigIgn:") || strings.HasPrefix(line, "SigCgt:") {
			masks = append(masks, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(masks, ", "), err
}

func TestCRolesHaveTheGoDispositions(t *testing.T) {
	for _, r := range []string{role.Process, role.Sigwait} {
		runScript(t, r, nil, []step{{do: sigMasks}})
	}
	// pid 1 of a namespace catches signal 33 only in Go: glibc catches it
	// (SIGSETXID) once a process has a second thread, and the C pidns-init
	// has none. A namespace's pid 1 drops a signal it does not catch, as
	// Go's handler drops 33, so both end alike; the masks differ in it.
	runScript(t, role.PidNSInit, nil, []step{{do: func(h *helper) (string, error) {
		masks, err := sigMasks(h)
		return withoutSignal(masks, "SigCgt", 33), err
	}}})
}

// withoutSignal is masks with sig cleared in the named mask.
func withoutSignal(masks, name string, sig uint) string {
	bits, _ := maskBits(masks, name)
	return strings.Replace(masks, fmt.Sprintf("%s: %016x", name, bits), fmt.Sprintf("%s: %016x", name, bits&^(1<<(sig-1))), 1)
}

// maskBits is the named mask of sigMasks' text.
func maskBits(masks, name string) (uint64, bool) {
	m := regexp.MustCompile(name + `: ([0-9a-f]{16})`).FindStringSubmatch(masks)
	if m == nil {
		return 0, false
	}
	bits, err := strconv.ParseUint(m[1], 16, 64)
	return bits, err == nil
}

// A helper started with SIGHUP and SIGINT ignored (under nohup, say) keeps
// them ignored, as a Go program does, and lives on after either.
func TestCRolesKeepAnInheritedIgnoreOfHupAndInt(t *testing.T) {
	signal.Ignore(syscall.SIGHUP, syscall.SIGINT)
	defer signal.Reset(syscall.SIGHUP, syscall.SIGINT)
	ignored := func(h *helper) (string, error) {
		masks, err := sigMasks(h)
		bits, ok := maskBits(masks, "SigIgn")
		if !ok {
			return masks, err
		}
		return fmt.Sprintf("HUP ignored %v, INT ignored %v", bits&(1<<(unix.SIGHUP-1)) != 0, bits&(1<<(unix.SIGINT-1)) != 0), err
	}
	runScript(t, role.Process, nil, []step{
		{do: sigMasks},
		{do: ignored, want: "HUP ignored true, INT ignored true"},
		{do: sendSignal(unix.SIGHUP, false)},
		{do: sendSignal(unix.SIGINT, false)},
		{send: "ping", want: "ok <pid>"},
	})
}

// Every signal but SIGKILL and the stops ends a helper of either binary
// the same way, or leaves both alive and answering. All helpers get their
// signal at once; one still there a second later counts as alive.
func TestCProcessEndsOnEachSignalAsTheGoRole(t *testing.T) {
	goBin, cBin := roleBinaries(t)
	var sigs []unix.Signal
	for sig := unix.Signal(1); sig <= 64; sig++ {
		switch sig {
		case unix.SIGKILL, unix.SIGSTOP, unix.SIGTSTP, unix.SIGTTIN, unix.SIGTTOU:
		default:
			sigs = append(sigs, sig)
		}
	}
	var ends [2][]string
	for i, bin := range []string{goBin, cBin} {
		var helpers []*helper
		for _, sig := range sigs {
			h := startHelper(t, bin, goBin, role.Process)
			if err := unix.Kill(h.pid, sig); err != nil {
				t.Fatal(err)
			}
			helpers = append(helpers, h)
		}
		time.Sleep(time.Second)
		for _, h := range helpers {
			ends[i] = append(ends[i], h.endOrPing())
		}
	}
	for i, sig := range sigs {
		if ends[0][i] != ends[1][i] {
			t.Errorf("signal %d (%v): the Go role %s, the C role %s", sig, sig, ends[0][i], ends[1][i])
		}
	}
}

// endOrPing says how h ended, or how it answers a ping when it lives.
func (h *helper) endOrPing() string {
	h.t.Helper()
	if err := unix.Kill(h.pid, 0); err == nil {
		if state, _ := kernel.ThreadState(h.pid, h.pid); state != "Z" {
			return "lives: " + h.call("ping")
		}
	}
	return h.end()
}

// The C roles name an errno as x/sys does, or the suites could not turn
// their "err ERRNO" back into the errno (role.ParseReply).
func TestCRoleErrnoNames(t *testing.T) {
	header, err := os.ReadFile("../pidfdconf-role-c/errnames.h")
	if err != nil {
		t.Fatal(err)
	}
	entry := regexp.MustCompile(`(?m)^\t\[(\d+)\] = "(\w+)",$`)
	names := map[int]string{}
	for _, m := range entry.FindAllStringSubmatch(string(header), -1) {
		n, _ := strconv.Atoi(m[1])
		names[n] = m[2]
	}
	for e := unix.Errno(1); e < 4096; e++ {
		if names[int(e)] != unix.ErrnoName(e) {
			t.Errorf("errno %d: errnames.h names it %q, x/sys %q", int(e), names[int(e)], unix.ErrnoName(e))
		}
	}
}

func TestCReuseWitnessAnswersAsTheGoRole(t *testing.T) {
	test := os.Getpid()
	var gone *exec.Cmd
	// holdGone has the witness hold a process that then dies and is reaped.
	holdGone := func(h *helper) (string, error) {
		gone = exec.Command("sleep", "100")
		if err := gone.Start(); err != nil {
			return "", err
		}
		answer := h.call(fmt.Sprintf("hold %d", gone.Process.Pid))
		gone.Process.Kill()
		gone.Wait()
		return strings.Replace(answer, strconv.Itoa(gone.Process.Pid), "<gone>", 1), nil
	}
	runScript(t, role.ReuseWitness, nil, append([]step{
		{send: "signal 0", want: "err EBADF"},
		{send: "fdinfo", want: "err EBADF"},
		{send: "hold 999999999", want: "err ESRCH"},
		{send: fmt.Sprintf("hold %d", test), want: "ok <test>"},
		{send: "signal 0", want: "ok"},
		{send: "poll", want: "ok 0"},
		{send: "fdinfo"},
		{send: "info 1"},
		{send: "info", want: "err EINVAL"},
		{send: fmt.Sprintf("inodes %d", test)},
		{send: "inodes 999999999", want: "err ESRCH"},
		{do: holdGone, want: "ok <gone>"},
		{send: "poll"}, // POLLIN, and POLLHUP since v6.9
		{send: "signal 0", want: "err ESRCH"},
		{do: func(h *helper) (string, error) {
			msg, _, err := h.exchange("fdinfo")
			info := kernel.ParseFdinfo(strings.TrimPrefix(msg, "ok "))
			return fmt.Sprintf("Pid %s NSpid %s", info["Pid"], info["NSpid"]), err
		}, want: "Pid -1 NSpid -1"},
		{send: "no-such-command", want: "err EINVAL"},
	}, endsWhenClosed...))
}

// The setns joiner has no Go twin: what it is for is what no Go process
// can do, join a user namespace, as setns(2) wants a single-threaded
// caller. It joins the user namespace of a process that has a new one and
// refuses what setns(2) refuses: an fd that names no namespace, a
// namespace of another type than the flags name.
func TestCSetnsJoinerJoinsAUserNamespace(t *testing.T) {
	goBin, cBin := roleBinaries(t)
	target := exec.Command(goBin)
	target.Env = []string{kernel.RoleEnv + "=" + role.Process, "GOMAXPROCS=1"}
	target.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWUSER, Pdeathsig: syscall.SIGKILL}
	if err := target.Start(); err != nil {
		t.Skipf("no process in a new user namespace: %v", err)
	}
	t.Cleanup(func() { target.Process.Kill(); target.Wait() })
	userns, err := unix.Open(fmt.Sprintf("/proc/%d/ns/user", target.Process.Pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(userns)
	memfd, err := unix.MemfdCreate("not-a-namespace", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(memfd)

	h := startHelper(t, cBin, goBin, role.Joiner)
	for _, c := range []struct {
		cmd  string
		fds  []int
		want string
	}{
		{"setns 0", []int{memfd}, "err EINVAL"},
		{"setns 0", nil, "err EINVAL"},
		{"setns", []int{userns}, "err EINVAL"},
		{fmt.Sprintf("setns %d", unix.CLONE_NEWNET), []int{userns}, "err EINVAL"},
		{fmt.Sprintf("setns %d", unix.CLONE_NEWUSER), []int{userns}, "ok"},
	} {
		if msg, _, err := h.exchange(c.cmd, c.fds...); err != nil || h.anonymous(msg) != c.want {
			t.Errorf("%s with %d fds: %q, %v; want %q", c.cmd, len(c.fds), msg, err, c.want)
		}
	}
	var joined, want unix.Stat_t
	if err := unix.Stat(fmt.Sprintf("/proc/%d/ns/user", h.pid), &joined); err != nil {
		t.Fatal(err)
	}
	if err := unix.Fstat(userns, &want); err != nil {
		t.Fatal(err)
	}
	if joined.Ino != want.Ino || joined.Dev != want.Dev {
		t.Errorf("the joiner's user namespace is %d:%d, the target's %d:%d", joined.Dev, joined.Ino, want.Dev, want.Ino)
	}
	h.ch.Close()
	if got := h.end(); got != "exit status 0" {
		t.Errorf("the joiner ended with %q once the test closed, want exit status 0", got)
	}
}
