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
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/setup"
	"golang.org/x/sys/unix"
)

// VM is one QEMU boot.
type VM struct {
	Arch       string // amd64 → qemu-system-x86_64, 386 → qemu-system-i386
	Kernel     string
	Initrd     string
	Append     string // appended to the base command line
	MemoryMB   int
	CPUs       int
	Timeout    time.Duration // outer bound in wall time, however busy the guest
	Silence    time.Duration // ends the VM after this long without console or result output; 0: off
	ConsoleLog string        // ttyS0, the kernel and /init console
	ResultLog  string        // ttyS1, the framed result stream
}

// Outcome says how the boot ended; verdicts come from the result stream.
type Outcome struct {
	Wall     time.Duration
	Panic    string // the console line that ended the VM early
	TimedOut bool   // Timeout passed while the guest still produced output
	Stalled  bool   // Silence passed without output: the guest is stuck
	Err      error  // QEMU failed to start or died abnormally
}

// consoleFatal are console lines after which the guest can produce nothing:
// the VM is stopped at once instead of waiting for the deadline.
var consoleFatal = []string{"Kernel panic", "Attempted to kill init", "No working init found", "Kernel Offset: "}

// PanicGrace lets the panic's stack trace reach the console log before the
// VM is killed; it is an upper bound, not a synchronisation sleep.
const PanicGrace = 1500 * time.Millisecond

func QEMUBinary(arch string) string {
	if arch == "386" {
		return "qemu-system-i386"
	}
	return "qemu-system-x86_64"
}

// EnsureQEMU installs QEMU when missing and root, else names the command.
func EnsureQEMU(ctx context.Context, log func(string, ...any), arch string) error {
	if _, err := exec.LookPath(QEMUBinary(arch)); err == nil {
		return nil
	}
	if err := setup.EnsurePackages(ctx, log, "booting kernels", "qemu-system-x86"); err != nil {
		return err
	}
	if _, err := exec.LookPath(QEMUBinary(arch)); err != nil {
		return setup.Errorf("%s not found after installing qemu-system-x86: run `apt-get install -y qemu-system-x86`", QEMUBinary(arch))
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
	cmdline := "console=ttyS0 panic=-1 loglevel=4 rdinit=/init no_timer_check mitigations=off init_on_alloc=0 randomize_kstack_offset=off hardened_usercopy=off cryptomgr.notests"
	if v.Append != "" {
		cmdline += " " + v.Append
	}
	return []string{
		"-nodefaults", "-no-reboot", "-nographic", "-monitor", "none",
		"-accel", "kvm", "-accel", "tcg",
		"-cpu", "max",
		"-m", fmt.Sprint(v.MemoryMB),
		"-smp", fmt.Sprint(v.CPUs),
		"-kernel", v.Kernel,
		"-initrd", v.Initrd,
		"-append", cmdline,
		"-serial", "stdio", // ttyS0: read live to spot panics
		"-serial", "file:" + v.ResultLog, // ttyS1: read after exit
	}
}

// Run boots the VM and waits until it powers off, panics, or hits its
// deadline. QEMU runs in its own process group with a parent-death signal,
// so neither Ctrl-C, a deadline nor a crash of the runner leaves it behind.
func (v *VM) Run(ctx context.Context) Outcome {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, v.Timeout)
	defer cancel()

	con, err := os.Create(v.ConsoleLog)
	if err != nil {
		return Outcome{Err: err}
	}
	defer con.Close()

	cmd, stdout, err := v.start(con)
	if err != nil {
		return Outcome{Err: err}
	}
	killGroup := func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	watch := &consoleWatch{kill: killGroup}
	prog := newProgress()
	scanDone := make(chan struct{})
	go func() {
		defer close(scanDone)
		watch.copy(progressReader{stdout, prog}, con)
	}()
	stalled := make(chan struct{})
	if v.Silence > 0 {
		go watchSilence(ctx, prog, v.ResultLog, v.Silence, stalled)
	}
	waitDone := make(chan error, 1)
	go func() {
		<-scanDone // the pipe closes when QEMU exits (or is killed)
		waitDone <- cmd.Wait()
	}()

	res := Outcome{}
	select {
	case err = <-waitDone:
	case <-stalled:
		killGroup()
		err = <-waitDone
		res.Stalled = true
	case <-ctx.Done():
		killGroup()
		err = <-waitDone
		res.TimedOut = ctx.Err() == context.DeadlineExceeded
		if !res.TimedOut {
			res.Err = ctx.Err() // interrupted by the user
		}
	}
	killGroup() // anything QEMU might have forked
	res.Wall = time.Since(start)
	res.Panic = watch.fatalLine()
	if err != nil && res.Panic == "" && !res.TimedOut && !res.Stalled && res.Err == nil {
		res.Err = fmt.Errorf("%s: %v", QEMUBinary(v.Arch), err)
	}
	return res
}

// EndReason says why the VM ended early, "" when it powered off by itself:
// a stuck guest (silence), a slow one (the outer deadline while output still
// arrived), a dead kernel, or QEMU's own failure.
func (v *VM) EndReason(res Outcome) string {
	switch {
	case res.Panic != "":
		return "kernel died: " + res.Panic
	case res.Stalled:
		return fmt.Sprintf("guest stuck: no console or result output for %s (after %s)", v.Silence, res.Wall.Round(time.Second))
	case res.TimedOut:
		return fmt.Sprintf("guest slow: VM deadline %s passed while it was still producing output", v.Timeout)
	case res.Err != nil:
		return res.Err.Error()
	}
	return ""
}

// start starts QEMU in its own process group, its stderr and the command
// line in con, and returns the pipe of its stdout (the console, ttyS0).
func (v *VM) start(con io.Writer) (*exec.Cmd, io.Reader, error) {
	cmd := exec.Command(QEMUBinary(v.Arch), v.args()...)
	cmd.Stdin = nil
	cmd.Stderr = con // QEMU's own complaints belong next to the console
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	fmt.Fprintf(con, "# %s %s\n", QEMUBinary(v.Arch), strings.Join(v.args(), " "))
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("starting %s: %w", QEMUBinary(v.Arch), err)
	}
	return cmd, stdout, nil
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
