// Command guest is the /init of the pidfdconf initramfs. It prepares a minimal
// system, runs every suite binary under /suites, streams their reports framed
// on ttyS1 or the port the runner names (see package frame) and powers the VM off. It must never exit: PID 1
// exiting panics the kernel, which the host would report as MISS.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/suiterun"
)

const (
	suitesDir  = "/" + frame.SuitesPath
	resultsDir = "/tmp/results"
)

func main() {
	if filepath.Base(os.Args[0]) == "sleep" {
		os.Exit(sleepCommand(os.Args[1:]))
	}
	// `init probe` (never as PID 1) prints the feature probes as JSON: the
	// runner's native host column uses it.
	if len(os.Args) == 2 && os.Args[1] == "probe" && os.Getpid() != 1 {
		json.NewEncoder(os.Stdout).Encode(probeFeatures())
		return
	}
	console := openConsole()
	logf := func(format string, args ...any) { fmt.Fprintf(console, "pidfdconf-init: "+format+"\n", args...) }

	info := frame.GuestInfo{UptimeAtInit: suiterun.BootClock()}
	info.Mounts = mountAll()
	// lsm-selinux: load the policy before anything else runs, so every suite runs under it.
	if line, err := setupSELinux(); err != nil {
		logf("%v", err)
		info.Mounts = append(info.Mounts, err.Error())
	} else if line != "" {
		logf("%s", line)
		info.Mounts = append(info.Mounts, line)
	}

	out, err := openResults(resultPort())
	if err != nil {
		// Without the result port nothing can be reported; the host sees MISS.
		logf("cannot open the result port %s: %v", resultPort(), err)
		powerOff()
	}

	logf("started %.2fs after boot", info.UptimeAtInit)
	describe(&info)
	suites := listSuites()
	info.Suites = suites
	// The feature probes are for the suites' verdicts; the VM of the
	// kernel's selftests carries no suite and skips them (~1 s under TCG).
	if len(suites) > 0 {
		t := time.Now()
		info.Probes = probeFeatures()
		logf("probes took %.2fs", time.Since(t).Seconds())
	}
	logf("kernel %s, LSMs %v, suites %v", info.Release, info.LSMs, suites)
	st := newStreamer(out, logf)
	st.send(frame.InfoName, mustJSON(info))

	exit := 0
	// A release that does not parse reads as the oldest kernel: how the
	// suites are dealt into processes costs time, never a result.
	v, _ := kernel.ParseRelease(info.Release)
	runSuites(suites, v, console, func(s string, res suiterun.Record) {
		run := res.Run
		with := ""
		if run.Process != "" {
			with = " (in one process: " + run.Process + ")"
		}
		logf("suite %s: exit %d in %.1fs%s %s", s, run.Exit, run.Seconds, with, run.Error)
		if report, ok := res.Reports[s]; ok {
			st.send(s+"/"+frame.ReportFile, report)
		}
		st.send(s+"/"+frame.RunFile, mustJSON(run))
		if run.Exit != 0 {
			exit = 1
		}
	})
	// Only now: while a suite runs, a wait for any child could take the
	// suite process from the wait of its own exec.Cmd.
	reapOrphans()
	runSelftests(st, logf)
	runKselftest(st, console, logf)
	busy, waited := st.finish()
	logf("results streamed in %.2fs, %.2fs of it after the last program", busy.Seconds(), waited.Seconds())
	if err := frame.WriteExit(out, exit); err != nil {
		logf("writing EXIT: %v", err)
	}
	// tcdrain: wait until the UART has sent every byte; power-off would
	// otherwise drop what is still queued in the tty layer, and a lost END
	// or EXIT reads as MISS on the host.
	_ = unix.IoctlSetInt(int(out.Fd()), unix.TCSBRK, 1)
	powerOff()
}

func openConsole() io.Writer {
	if f, err := os.OpenFile("/dev/console", os.O_WRONLY, 0); err == nil {
		return f
	}
	return os.Stderr
}

// mountAll mounts what the suites expect. Failures are recorded, not fatal:
// a no-proc kernel must still run the specs that do not need /proc.
func mountAll() []string {
	var rec []string
	for _, m := range []struct{ fstype, target string }{
		{"devtmpfs", "/dev"},
		{"proc", "/proc"},
		{"sysfs", "/sys"},
		{"tmpfs", "/tmp"},
		{"tmpfs", "/run"},
		{"cgroup2", "/sys/fs/cgroup"},
		{"securityfs", "/sys/kernel/security"},
	} {
		_ = os.MkdirAll(m.target, 0o755)
		if err := unix.Mount(m.fstype, m.target, m.fstype, 0, ""); err != nil {
			rec = append(rec, fmt.Sprintf("%s on %s: %v", m.fstype, m.target, err))
			continue
		}
		rec = append(rec, fmt.Sprintf("%s on %s", m.fstype, m.target))
	}
	return rec
}

// resultPort is where the result stream goes: the port the runner named for
// this machine, else the second serial port.
func resultPort() string {
	return format.Or(os.Getenv(frame.ResultPortEnv), frame.DefaultResultPort)
}

// resultPortWait bounds the wait for the result port to come up, before
// the time scale: a UART on PCI gets its tty when its driver probes, which
// may run after /init starts.
const resultPortWait = 10 * time.Second

func openResults(tty string) (*os.File, error) {
	f, err := openPort(tty, time.Duration(float64(resultPortWait)*timeScale()))
	if err != nil {
		return nil, err
	}
	// Raw mode: no \n → \r\n rewriting, no flow control surprises.
	if t, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err == nil {
		t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		t.Oflag &^= unix.OPOST
		t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		_ = unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, t)
	}
	return f, nil
}

func describe(info *frame.GuestInfo) {
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		info.Release = unix.ByteSliceToString(u.Release[:])
		info.Machine = unix.ByteSliceToString(u.Machine[:])
	}
	if b, err := os.ReadFile("/proc/cmdline"); err == nil {
		info.Cmdline = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/config.gz"); err == nil {
		if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
			if cfg, err := io.ReadAll(zr); err == nil {
				sum := sha256.Sum256(cfg)
				info.ConfigHash = hex.EncodeToString(sum[:])
			}
		}
	}
	if b, err := os.ReadFile("/sys/kernel/security/lsm"); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(b)), ",") {
			if l != "" {
				info.LSMs = append(info.LSMs, l)
			}
		}
	}
}

func listSuites() []string {
	ents, _ := os.ReadDir(suitesDir)
	var names []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".test"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// runProcess runs one suite binary from /suites, or a group of suites in
// one process of the program of every suite, its reports in /tmp/results.
func runProcess(p process, console io.Writer) suiterun.Record {
	// The runner splits the VM deadline between the suites; an empty or
	// unreadable value leaves suiterun's default. A group gets the shares
	// of its suites.
	timeout, _ := time.ParseDuration(os.Getenv(kernel.SuiteTimeoutEnv))
	s := suiterun.Suite{
		Name:    p.name,
		Bin:     p.bin,
		Dir:     filepath.Join(resultsDir, p.name),
		Timeout: timeout * time.Duration(len(p.suites)),
		// PIDFDCONF_TIME_SCALE / PIDFDCONF_ALLOW_MISSING arrive as kernel
		// command-line words, which the kernel hands to init as environment.
		Env:        suiteEnv(),
		Output:     console,
		NoJUnit:    true,
		TimerSlack: suiteTimerSlack,
	}
	if p.grouped() {
		s.Areas = p.suites
	}
	return suiterun.Run(context.Background(), s)
}

// suiteTimerSlack lets the timers of the suites and their helpers fire up
// to 5 ms late. Under TCG nearly every syscall outlasts the 20 µs after
// which the Go runtime's sysmon takes the P of a thread in a syscall, and
// with GOMAXPROCS=1 it does so whenever it looks, handing the P to another
// thread and waking it; each take also keeps sysmon looking every 20 µs
// (3900 of its 20 µs sleeps in one native run of the signal suite). With
// the slack it looks at most every 5 ms, so only syscalls that long are
// taken. 6.1's suites: 9.3-11.0 s and 16-19 s of CPU without it, 6.7-7.5 s
// and 11-12.4 s with it, every verdict the same. No spec bounds how long
// a wait may take; the kernel's own selftests, measured beside the
// suites, keep the default.
const suiteTimerSlack = 5 * time.Millisecond

// roleBinary and roleCBinary are where the image carries
// cmd/pidfdconf-role and cmd/pidfdconf-role-c.
const (
	roleBinary  = "/" + frame.RoleBinaryPath
	roleCBinary = "/" + frame.RoleCBinaryPath
)

// suiteEnv is what the suites see besides the kernel's environment, with
// the role binaries named when the image has them: helpers start from
// them instead of re-executing a suite, which costs far more under TCG.
//
// GOMAXPROCS=1: more suites run than the guest has vCPUs, and a suite's
// Go code never needs two at once (its concurrency is threads blocked in
// syscalls and helper processes, which the kernel schedules on every
// vCPU). With more Ps the runtime's idle threads spin and wake each other
// across vCPUs, which TCG emulates at great cost: 6.12's suites took
// 14.1-17.3 s with one P against 21.4-21.8 s without. Natively it made no
// difference, so only the guest sets it.
func suiteEnv() []string {
	env := []string{"HOME=/tmp", "PATH=/suites:/bin", "TMPDIR=/tmp", kernel.GuestEnv + "=1", "GOMAXPROCS=1"}
	for _, bin := range [][2]string{{kernel.RoleBinaryEnv, roleBinary}, {kernel.RoleCBinaryEnv, roleCBinary}} {
		if _, err := os.Stat(bin[1]); err == nil {
			env = append(env, bin[0]+"="+bin[1])
		}
	}
	// The kernel's config, when the runner shipped it: the evidence a
	// spec may skip on because an option is off.
	if _, err := os.Stat(kernelConfig); err == nil {
		env = append(env, kernel.KconfigEnv+"="+kernelConfig)
	}
	return env
}

// kernelConfig is where the runner's config layer puts the kernel's .config.
const kernelConfig = "/" + frame.KernelConfigPath

// reapOrphans collects helpers a suite leaked: as PID 1 they are ours now.
func reapOrphans() {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// powerOff ends the VM. Kernels without ACPI (tinyconfig builds) cannot power
// off and would halt forever, so they restart instead; QEMU runs with
// -no-reboot and exits either way.
func powerOff() {
	unix.Sync()
	if _, err := os.Stat("/sys/firmware/acpi"); err == nil {
		_ = unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
	}
	_ = unix.Reboot(unix.LINUX_REBOOT_CMD_RESTART)
	select {}
}

// sleepCommand is /bin/sleep SECONDS for the kernel's selftests (pidfd_test
// execs it from a thread): the guest has no other userland.
func sleepCommand(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: sleep SECONDS")
		return 1
	}
	d, err := time.ParseDuration(args[0] + "s")
	if err != nil {
		fmt.Fprintln(os.Stderr, "sleep:", err)
		return 1
	}
	time.Sleep(d)
	return 0
}

// openPort opens the result port for writing, retrying while it is not
// there yet until wait has passed: there is no udev in the guest to
// announce it, so looking is the probe. port is a device under /dev or
// frame.PCISerialPrefix and a serial card's PCI vendor:device.
func openPort(port string, wait time.Duration) (*os.File, error) {
	deadline := time.Now().Add(wait)
	for {
		f, err := tryPort(port)
		if err == nil || !errors.Is(err, errNotYet) || time.Now().After(deadline) {
			return f, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// errNotYet: the port may still come up.
var errNotYet = errors.New("not there yet")

func tryPort(port string) (*os.File, error) {
	dev := port
	if id, ok := strings.CutPrefix(port, frame.PCISerialPrefix); ok {
		d, err := pciSerialTTY(id)
		if err != nil {
			return nil, err
		}
		dev = d
	} else if !strings.HasPrefix(port, "/dev/") || strings.Contains(port, "..") {
		// The command line is the runner's, but a typo must not make /init
		// write its stream into some file.
		return nil, fmt.Errorf("result port %q is neither a device under /dev nor %sVENDOR:DEVICE", port, frame.PCISerialPrefix)
	}
	f, err := os.OpenFile(dev, os.O_WRONLY|unix.O_NOCTTY, 0)
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENXIO) {
		return nil, fmt.Errorf("%s: %w (%v)", dev, errNotYet, err)
	}
	return f, err
}

// pciSerialTTY is the /dev node of the tty of the PCI serial card id
// ("1b36:0002"): the tty whose device, or a parent of it, is a PCI device
// with that vendor and device (serial core puts its own port devices
// between the card and the tty). The error lists what ttys there are.
func pciSerialTTY(id string) (string, error) {
	vendor, device, _ := strings.Cut(id, ":")
	ttys, _ := filepath.Glob("/sys/class/tty/*")
	var seen []string
	for _, t := range ttys {
		dir, err := filepath.EvalSymlinks(t)
		if err != nil {
			continue
		}
		seen = append(seen, strings.TrimPrefix(dir, "/sys/devices/"))
		for d := filepath.Dir(dir); strings.HasPrefix(d, "/sys/devices/"); d = filepath.Dir(d) {
			if sysfsHex(filepath.Join(d, "vendor")) == vendor && sysfsHex(filepath.Join(d, "device")) == device {
				return "/dev/" + filepath.Base(t), nil
			}
		}
	}
	return "", fmt.Errorf("no tty of PCI serial card %s among %d ttys (%s): %w", id, len(seen), strings.Join(filterSerial(seen), " "), errNotYet)
}

// filterSerial keeps the serial ports of a tty list: the virtual consoles
// and ptys say nothing of a missing card.
func filterSerial(ttys []string) []string {
	var out []string
	for _, t := range ttys {
		if !strings.Contains(t, "virtual/") {
			out = append(out, t)
		}
	}
	return out
}

// sysfsHex is a sysfs id file's value without its 0x and newline.
func sysfsHex(path string) string {
	b, _ := os.ReadFile(path)
	return strings.TrimPrefix(strings.TrimSpace(string(b)), "0x")
}

// timeScale is PIDFDCONF_TIME_SCALE as the runner set it, 1 when unset.
func timeScale() float64 {
	if f, err := strconv.ParseFloat(os.Getenv(kernel.TimeScaleEnv), 64); err == nil && f >= 1 {
		return f
	}
	return 1
}
