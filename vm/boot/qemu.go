package boot

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/setup"
	"golang.org/x/sys/unix"
)

// VM is one QEMU boot.
type VM struct {
	Arch     string // the kernel's GOARCH: amd64, 386 or arm64 (see machine.go)
	Kernel   string
	Initrd   string
	Append   string // appended to the base command line
	MemoryMB int
	CPUs     int
	Timeout  time.Duration // outer bound in wall time, however busy the guest
	Silence  time.Duration // ends the VM after this long without console or result output; 0: off
	// InitDeadline ends the VM when /init has not written a byte of the
	// result stream this long after QEMU started; 0: off. Before /init the
	// kernel is quiet (loglevel=4), so Silence cannot tell a slow boot
	// from a hung one any sooner.
	InitDeadline time.Duration
	// Accel is how QEMU runs it: AccelFor(ctx, Arch) for a real boot; the
	// zero value is TCG.
	Accel      Accel
	ConsoleLog string // ttyS0 (ttyAMA0 on arm64), the kernel and /init console
	ResultLog  string // ttyS1 (a UART on PCI on arm64), the framed result stream
}

// Ending says how the boot ended; verdicts come from the result stream.
type Ending struct {
	Wall     time.Duration
	Panic    string // the console line that ended the VM early
	TimedOut bool   // Timeout passed while the guest still produced output
	Stalled  bool   // Silence passed without output: the guest is stuck
	NoInit   bool   // InitDeadline passed before /init wrote its result stream
	Capped   string // the cap on console or result stream the guest passed; the VM was stopped
	Err      error  // QEMU failed to start or died abnormally
}

// consoleFatal are console lines after which the guest can produce nothing:
// the VM is stopped at once instead of waiting for the deadline.
var consoleFatal = []string{"Kernel panic", "Attempted to kill init", "No working init found", "Kernel Offset: "}

// PanicGrace lets the panic's stack trace reach the console log before the
// VM is killed; it is an upper bound, not a synchronisation sleep.
const PanicGrace = 1500 * time.Millisecond

// QEMUBinary is the QEMU that emulates a kernel of arch.
func QEMUBinary(arch string) string { return machineFor(arch).binary }

// EnsureQEMU installs QEMU when missing and root, else names the command.
func EnsureQEMU(ctx context.Context, log func(string, ...any), arch string) error {
	m := machineFor(arch)
	if _, err := exec.LookPath(m.binary); err == nil {
		return nil
	}
	if err := setup.EnsurePackages(ctx, log, "booting kernels", m.pkg); err != nil {
		return err
	}
	if _, err := exec.LookPath(m.binary); err != nil {
		return setup.Errorf("%s not found after installing %s: run `apt-get install -y %s`", m.binary, m.pkg, m.pkg)
	}
	return nil
}

// KVMUsable reports whether /dev/kvm can be opened; otherwise QEMU falls back
// to TCG emulation, several times slower.
func KVMUsable() bool {
	fd, err := unix.Open("/dev/kvm", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
}

func (v *VM) args() []string {
	// Hardening that costs emulated CPU time and changes nothing about pidfd
	// semantics is switched off: mitigations (~30% of suite time under TCG on
	// Debian kernels), zeroing every allocation, per-syscall stack offset
	// randomisation, usercopy checks (together another ~25%). Audit stays on:
	// AVC denials must reach the console. no_timer_check: on a loaded host a
	// TCG guest can miss the early IO-APIC timer check and panic ("IO-APIC +
	// timer doesn't work"), a harness fault that would read as MISS.
	// cryptomgr.notests: the crypto API's self-tests of every algorithm
	// registered at boot, 3-3.5 s of a Debian 7.3 boot under TCG (1-1.5 s
	// on 6.1), for ciphers the suites never use.
	m := machineFor(v.Arch)
	cmdline := "console=" + m.console + " panic=-1 loglevel=4 rdinit=/init no_timer_check mitigations=off init_on_alloc=0 randomize_kstack_offset=off hardened_usercopy=off cryptomgr.notests"
	if w := m.resultPortArg(); w != "" {
		cmdline += " " + w
	}
	if m.tcgCmdline != "" && !v.Accel.KVM {
		cmdline += " " + m.tcgCmdline
	}
	if v.Append != "" {
		cmdline += " " + v.Append
	}
	set := strconv.Itoa(resultFDSet)
	args := []string{
		"-nodefaults", "-no-reboot", "-nographic", "-monitor", "none",
		"-accel", v.Accel.flag(),
	}
	args = append(args, m.board(v.Accel.KVM)...)
	args = append(args,
		"-m", fmt.Sprint(v.MemoryMB),
		"-smp", fmt.Sprint(v.CPUs),
		"-kernel", fdPath(kernelFD), // v.Kernel, opened by the runner
		"-initrd", fdPath(initrdFD), // v.Initrd
		"-append", cmdline,
		"-serial", "stdio", // the console: read live to spot panics
		// The result stream, a pipe the runner reads and caps.
		// append=on: without it QEMU truncates the file, which a pipe
		// in an fd set refuses.
		"-add-fd", "fd="+strconv.Itoa(resultFD)+",set="+set,
		"-chardev", "file,id=results,append=on,path=/dev/fdset/"+set,
	)
	args = append(args, m.resultDevice...)
	return append(args, sandbox...)
}

// Run boots the VM and waits until it powers off, panics, passes a cap, or
// hits its deadline. QEMU runs in its own process group with a
// parent-death signal, so neither Ctrl-C, a deadline nor a crash of the
// runner leaves it behind.
func (v *VM) Run(ctx context.Context) Ending {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, v.Timeout)
	defer cancel()

	var pgid atomic.Int64
	killGroup := func() {
		if p := pgid.Load(); p > 0 {
			_ = syscall.Kill(-int(p), syscall.SIGKILL)
		}
	}
	var capped capReason
	con, err := createConsoleLog(v.ConsoleLog, func() {
		capped.set(fmt.Sprintf("console flood: the guest wrote more than %d MiB to its console (boot.ConsoleMaxBytes); console.log keeps the first %d MiB and the last %d MiB",
			ConsoleMaxBytes>>20, ConsoleHeadBytes>>20, ConsoleTailBytes>>20))
		killGroup()
	})
	if err != nil {
		return Ending{Err: err}
	}
	defer con.Close()

	q, err := v.start(con)
	if err != nil {
		return Ending{Err: err}
	}
	defer q.console.Close()
	defer q.results.Close()
	pgid.Store(int64(q.cmd.Process.Pid))
	watch := &consoleWatch{kill: killGroup}
	prog := newProgress()
	scanDone := make(chan struct{})
	go func() {
		defer close(scanDone)
		watch.copy(onBytes{q.console, prog.touch}, con)
	}()
	resultsDone := make(chan error, 1)
	var initStarted atomic.Bool
	results := onBytes{q.results, func() { prog.touch(); initStarted.Store(true) }}
	go func() {
		resultsDone <- copyResults(results, v.ResultLog, func() {
			capped.set(fmt.Sprintf("result stream over %d MiB (frame.MaxStreamBytes): the VM was stopped", frame.MaxStreamBytes>>20))
			killGroup()
		})
	}()
	stalled := make(chan struct{})
	if v.Silence > 0 {
		go watchSilence(ctx, prog, v.Silence, stalled)
	}
	noInit := make(chan struct{})
	if v.InitDeadline > 0 {
		go watchInit(ctx, &initStarted, v.InitDeadline, noInit)
	}
	waitDone := make(chan error, 1)
	go func() {
		<-scanDone // the pipe closes when QEMU exits (or is killed)
		waitDone <- q.cmd.Wait()
	}()

	res := Ending{}
	select {
	case err = <-waitDone:
	case <-stalled:
		killGroup()
		err = <-waitDone
		res.Stalled = true
	case <-noInit:
		killGroup()
		err = <-waitDone
		res.NoInit = true
	case <-ctx.Done():
		killGroup()
		err = <-waitDone
		res.TimedOut = ctx.Err() == context.DeadlineExceeded
		if !res.TimedOut {
			res.Err = ctx.Err() // interrupted by the user
		}
	}
	killGroup() // anything QEMU might have forked
	if rerr := <-resultsDone; rerr != nil && res.Err == nil {
		res.Err = fmt.Errorf("writing the result stream: %v", rerr)
	}
	res.Wall = time.Since(start)
	res.Panic = watch.fatalLine()
	res.Capped = capped.get()
	if res.Capped != "" {
		res.Stalled, res.TimedOut, res.NoInit = false, false, false
	}
	if err != nil && res.Panic == "" && res.Capped == "" && !res.TimedOut && !res.Stalled && !res.NoInit && res.Err == nil {
		res.Err = fmt.Errorf("%s: %v", QEMUBinary(v.Arch), err)
	}
	return res
}

// capReason is the first cap a guest passed.
type capReason struct {
	mu  sync.Mutex
	why string
}

func (c *capReason) set(why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.why == "" {
		c.why = why
	}
}

func (c *capReason) get() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.why
}

// EndReason says why the VM ended early, "" when it powered off by itself:
// a guest past a cap, a stuck guest (silence), a slow one (the outer
// deadline while output still arrived), a dead kernel, or QEMU's own
// failure.
func (v *VM) EndReason(res Ending) string {
	switch {
	case res.Capped != "":
		return res.Capped
	case res.Panic != "":
		return "kernel died: " + res.Panic
	case res.Stalled:
		return fmt.Sprintf("guest stuck: no console or result output for %s (after %s)", v.Silence, res.Wall.Round(time.Second))
	case res.NoInit:
		return fmt.Sprintf("guest stuck before /init: no result output %s after QEMU started", v.InitDeadline)
	case res.TimedOut:
		return fmt.Sprintf("guest slow: VM deadline %s passed while it was still producing output", v.Timeout)
	case res.Err != nil:
		return res.Err.Error()
	}
	return ""
}

// qemu is a started QEMU and the read ends of its two serial ports.
type qemu struct {
	cmd              *exec.Cmd
	console, results *os.File
}

// start starts QEMU confined (see confine.go) in its own process group,
// with the command line at the top of con; its stdout (ttyS0) and stderr
// share the console pipe, its result stream (ttyS1) has a pipe of its own.
func (v *VM) start(con io.Writer) (*qemu, error) {
	cred := qemuCredential()
	kernel, err := openForQEMU(v.Kernel, cred)
	if err != nil {
		return nil, err
	}
	defer kernel.Close()
	initrd, err := openForQEMU(v.Initrd, cred)
	if err != nil {
		return nil, err
	}
	defer initrd.Close()
	conR, conW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer conW.Close()
	resR, resW, err := os.Pipe()
	if err != nil {
		conR.Close()
		return nil, err
	}
	defer resW.Close()

	cmd := exec.Command(QEMUBinary(v.Arch), v.args()...)
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = conW, conW // QEMU's own complaints belong next to the console
	confine(cmd, cred, resW, kernel, initrd)
	who := "as the runner's user"
	if cred != nil {
		who = fmt.Sprintf("as uid %d gid %d", cred.Uid, cred.Gid)
	}
	fmt.Fprintf(con, "# %s %s\n# kernel %s, initrd %s; %s\n", QEMUBinary(v.Arch), strings.Join(v.args(), " "), v.Kernel, v.Initrd, who)
	if err := cmd.Start(); err != nil {
		conR.Close()
		resR.Close()
		return nil, fmt.Errorf("starting %s: %w", QEMUBinary(v.Arch), err)
	}
	return &qemu{cmd: cmd, console: conR, results: resR}, nil
}

// consoleWatch copies the live console to its log and remembers the first
// fatal line; the VM is killed PanicGrace after it.
type consoleWatch struct {
	kill  func()
	mu    sync.Mutex
	fatal string
}

// consoleChunk bounds what the watch holds of one console line: a guest
// that floods the console without newlines is copied through a fixed
// buffer, never accumulated in memory.
const consoleChunk = 64 << 10

func (w *consoleWatch) copy(stdout io.Reader, con io.Writer) {
	r := bufio.NewReaderSize(stdout, consoleChunk)
	for {
		line, err := r.ReadSlice('\n')
		con.Write(line)
		w.check(line)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // the rest of an overlong line
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(con, "\n# console read: %v\n", err)
			}
			return
		}
	}
}

func (w *consoleWatch) check(line []byte) {
	for _, pat := range consoleFatal {
		if bytes.Contains(line, []byte(pat)) {
			w.mu.Lock()
			if w.fatal == "" {
				w.fatal = format.Truncate(strings.TrimSpace(string(line)), 300)
				time.AfterFunc(PanicGrace, w.kill)
			}
			w.mu.Unlock()
			return
		}
	}
}

func (w *consoleWatch) fatalLine() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fatal
}
