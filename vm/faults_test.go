package vm

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/boot"
	"github.com/pidfdconf/pidfdconf/vm/boot/boottest"
	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/kernels/kernelstest"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Harness faults: each must end in its documented result (MISS, exit code
// 2 or 3, a setup error naming the fix) within its deadline, leave no QEMU
// process and no half-written cache entry, and never read as FAIL. QEMU is
// a shell script (fakeQEMU) and the builds a fake go, so nothing boots.

// fakeQEMUFault is fakeQEMU that first records its pid (which is also its
// process group: QEMU runs in a group of its own) in the file it returns,
// which exists once the fake has started.
func fakeQEMUFault(t *testing.T, body string) (pidFile string) {
	t.Helper()
	pidFile = filepath.Join(boottest.SharedDir(t), "qemu.pid")
	boottest.FakeQEMU(t, `echo $$ >`+boottest.Quote(pidFile)+"\n"+body)
	return pidFile
}

// requireNoProcessGroup fails when the process group recorded in pidFile
// still has a member (zombies included) a few seconds after the run.
func requireNoProcessGroup(t *testing.T, pidFile string) {
	t.Helper()
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the fake QEMU never started: %v", err)
	}
	pgid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	deadline := time.Now().Add(3 * time.Second)
	for syscall.Kill(-pgid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("process group %d is still alive", pgid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// judgeFault runs the fake VM and judges it exactly as the matrix does,
// then checks the common promises: the VM ended within bound, its process
// group is gone, and the column is MISS without any FAIL.
func judgeFault(t *testing.T, v *boot.VM, pidFile string, bound time.Duration) *judge.KernelRun {
	t.Helper()
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "fault", Arch: "amd64", Spec: kernels.KernelSpec{Kind: kernels.KindFile}})
	kr.Suites = []string{"open"}
	res := v.Run(t.Context())
	kr.JudgeVM(v, res)
	if res.Wall > bound {
		t.Errorf("the VM ended after %s, bound %s", res.Wall, bound)
	}
	requireNoProcessGroup(t, pidFile)
	m := judge.NewMatrix("fault", []*judge.KernelRun{kr})
	if code := m.ExitCode(); code != judge.ExitMiss {
		t.Errorf("exit code %d, want %d (MISS)", code, judge.ExitMiss)
	}
	for key, c := range kr.Cells {
		if c.Result == judge.FAIL || c.Result == judge.TIMEOUT {
			t.Errorf("%s: %s (%s): a harness fault must never read as a failure", key, c.Result, c.Reason)
		}
	}
	return kr
}

// missReason is why kr's column is MISS: the whole-kernel reason or the
// boot row's.
func missReason(kr *judge.KernelRun) string {
	if kr.Miss != "" {
		return kr.Miss
	}
	return kr.Cells[judge.BootRow.Key()].Reason
}

func TestFaultKernelPanics(t *testing.T) {
	pid := fakeQEMUFault(t, `echo "[    1.234] Kernel panic - not syncing: VFS: Unable to mount root fs"; sleep 60`)
	kr := judgeFault(t, boottest.VM(t, time.Minute, 30*time.Second), pid, boot.PanicGrace+5*time.Second)
	if why := missReason(kr); !strings.Contains(why, "kernel died: [    1.234] Kernel panic - not syncing") {
		t.Errorf("MISS reason %q does not quote the panic", why)
	}
	if !strings.Contains(kr.ConsoleTail, "Kernel panic") {
		t.Errorf("console tail lacks the panic:\n%s", kr.ConsoleTail)
	}
}

// A suite stopped at its deadline leaves the specs it did not reach
// skipped without a reason: MISS, never a SKIP a gate would wave through.
func TestFaultSuiteDeadlineLeavesUnreachedSpecsMiss(t *testing.T) {
	kr := streamFault(t, specStream(t, "skipped", ""))
	c := kr.Cells["open: pidfd_open(2) fails"]
	if c.Result != judge.MISS || !strings.HasPrefix(c.Reason, "not run: ") {
		t.Errorf("unreached spec: %+v, want MISS", c)
	}
}

// A guest that ran no suite and says so cleanly is still MISS for every
// suite its image carries (exit 2), however complete its stream.
func TestFaultGuestReportsNoSuites(t *testing.T) {
	var buf bytes.Buffer
	info, _ := json.Marshal(frame.GuestInfo{Release: "6.1.0-fault", Machine: "x86_64", UptimeAtInit: 0.5})
	frame.Write(&buf, frame.InfoName, info)
	frame.WriteExit(&buf, 0)
	kr := streamFault(t, buf.Bytes())
	if why := kr.SuiteMiss["open"]; !strings.Contains(why, "did not send") {
		t.Errorf("suite open: %q, want MISS", why)
	}
}

func TestFaultGuestHangsSilently(t *testing.T) {
	pid := fakeQEMUFault(t, "sleep 60")
	kr := judgeFault(t, boottest.VM(t, time.Minute, time.Second), pid, 10*time.Second)
	if why := missReason(kr); !strings.HasPrefix(why, "guest stuck") {
		t.Errorf("MISS reason %q, want a stuck guest", why)
	}
}

// faultStream is a guest's result stream for one suite "open" whose only
// spec failed: were any of it taken as valid, the cell would read FAIL.
func faultStream(t *testing.T) []byte { return openStream(t, "failed") }

// openStream is a guest's result stream for one suite "open" whose only
// spec, "open: pidfd_open(2) fails", ended in state (a Ginkgo SpecState).
func openStream(t *testing.T, state string) []byte { return specStream(t, state, "boom") }

// specStream is openStream with the spec's failure message msg: Ginkgo
// writes a skipped spec without one when the suite stopped before it.
func specStream(t *testing.T, state, msg string) []byte {
	t.Helper()
	var buf bytes.Buffer
	info, _ := json.Marshal(frame.GuestInfo{Release: "6.1.0-fault", Machine: "x86_64", Suites: []string{"open"}, UptimeAtInit: 0.5})
	frame.Write(&buf, frame.InfoName, info)
	report := `[{"SuitePath":"/suites/open","SuiteDescription":"open","SpecReports":[{"ContainerHierarchyTexts":["pidfd_open(2)"],"LeafNodeText":"fails","LeafNodeType":"It","State":"` + state + `","Failure":{"Message":"` + msg + `"}}]}]`
	frame.Write(&buf, "open/"+frame.ReportFile, []byte(strings.Repeat(" ", 4000)+report))
	frame.WriteExit(&buf, 1)
	return buf.Bytes()
}

// streamFault serves stream as the guest's result stream, then powers off.
func streamFault(t *testing.T, stream []byte) *judge.KernelRun {
	t.Helper()
	src := filepath.Join(boottest.SharedDir(t), "stream")
	if err := os.WriteFile(src, stream, 0o644); err != nil {
		t.Fatal(err)
	}
	pid := fakeQEMUFault(t, `echo booted; cat `+boottest.Quote(src)+` >&3`)
	return judgeFault(t, boottest.VM(t, time.Minute, 10*time.Second), pid, 10*time.Second)
}

func TestFaultStreamCutMidFrame(t *testing.T) {
	full := faultStream(t)
	// The cut falls inside the report frame's base64 lines.
	cut := full[:bytes.Index(full, []byte("BEGIN open/"))+200]
	kr := streamFault(t, cut)
	if kr.SuiteMiss["open"] == "" {
		t.Errorf("suite open is not MISS; cells %+v", kr.Cells)
	}
}

func TestFaultCorruptedFrame(t *testing.T) {
	s := faultStream(t)
	// Flip one base64 character inside the report frame: the size still
	// matches, only the checksum can tell.
	i := bytes.Index(s, []byte("BEGIN open/"))
	i += bytes.IndexByte(s[i:], '\n') + 10
	if s[i] == 'A' {
		s[i] = 'B'
	} else {
		s[i] = 'A'
	}
	kr := streamFault(t, s)
	if kr.SuiteMiss["open"] == "" {
		t.Errorf("suite open is not MISS; cells %+v", kr.Cells)
	}
	if why := missReason(kr); !strings.Contains(why, "open/report.json") {
		t.Errorf("MISS reason %q does not name the corrupt frame", why)
	}
}

// A console that never ends: the VM is stopped at boot.ConsoleMaxBytes,
// the log keeps its head and its tail, and the host holds neither whole.
func TestFaultEndlessConsole(t *testing.T) {
	// No newline at all: the worst case for a line-based reader.
	pid := fakeQEMUFault(t, `echo booting; while :; do head -c 1048576 /dev/zero | tr '\0' x; done`)
	v := boottest.VM(t, time.Minute, 10*time.Second)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	kr := judgeFault(t, v, pid, 30*time.Second)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > boot.ConsoleMaxBytes/4 {
		t.Errorf("judging a %d MB flood allocated %d MB: the console was buffered", boot.ConsoleMaxBytes>>20, alloc>>20)
	}
	if why := missReason(kr); !strings.HasPrefix(why, "console flood: the guest wrote more than 64 MiB") {
		t.Errorf("MISS reason %q", why)
	}
	st, err := os.Stat(v.ConsoleLog)
	if err != nil || st.Size() > boot.ConsoleHeadBytes+boot.ConsoleTailBytes+4096 {
		t.Errorf("console.log: %v, %d bytes, more than its head and tail", err, st.Size())
	}
	head, _ := os.ReadFile(v.ConsoleLog)
	if !bytes.Contains(head[:4096], []byte("\nbooting\n")) || !bytes.Contains(head, []byte("bytes of console dropped here")) {
		t.Errorf("console.log lacks its head or the note of the dropped middle")
	}
	if !strings.HasSuffix(kr.ConsoleTail, "xxxxxxxx") {
		t.Errorf("console tail does not end with the flood: %q", format.Truncate(kr.ConsoleTail, 200))
	}
}

// A guest that streamed every result and then floods its console is MISS
// all the same: it passed a cap.
func TestFaultFloodAfterResults(t *testing.T) {
	src := filepath.Join(boottest.SharedDir(t), "stream")
	os.WriteFile(src, openStream(t, "passed"), 0o644)
	pid := fakeQEMUFault(t, `cat `+boottest.Quote(src)+` >&3; yes flood`)
	kr := judgeFault(t, boottest.VM(t, time.Minute, 10*time.Second), pid, 30*time.Second)
	if why := missReason(kr); !strings.HasPrefix(why, "console flood") {
		t.Errorf("MISS reason %q", why)
	}
}

// A console longer than its head but far below the cap loses only its
// middle, and the guest's results count.
func TestFaultLongConsoleKeepsHeadAndTail(t *testing.T) {
	src := filepath.Join(boottest.SharedDir(t), "stream")
	os.WriteFile(src, openStream(t, "passed"), 0o644)
	pid := fakeQEMUFault(t, `echo booting; head -c 3145728 /dev/zero | tr '\0' x; echo; echo the end; cat `+boottest.Quote(src)+` >&3`)
	v := boottest.VM(t, time.Minute, 10*time.Second)
	res := v.Run(t.Context())
	requireNoProcessGroup(t, pid)
	if why := v.EndReason(res); why != "" {
		t.Fatalf("the VM ended early: %s", why)
	}
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "fault", Arch: "amd64", Spec: kernels.KernelSpec{Kind: kernels.KindFile}})
	kr.Suites = []string{"open"}
	kr.JudgeVM(v, res)
	if c := kr.Cells["open: pidfd_open(2) fails"]; c.Result != judge.PASS {
		t.Errorf("the spec is %s (%s), want PASS", c.Result, c.Reason)
	}
	log, _ := os.ReadFile(v.ConsoleLog)
	if !bytes.Contains(log, []byte("\nbooting\n")) || !bytes.HasSuffix(log, []byte("\nthe end\n")) {
		t.Errorf("console.log (%d bytes) lacks its first or last line", len(log))
	}
	if n := int64(len(log)); n > boot.ConsoleHeadBytes+boot.ConsoleTailBytes+4096 {
		t.Errorf("console.log is %d bytes", n)
	}
}

// A result stream past frame.MaxStreamBytes stops the VM; the file QEMU
// would have filled stays at the cap.
func TestFaultEndlessResultStream(t *testing.T) {
	pid := fakeQEMUFault(t, `echo booting; while :; do head -c 1048576 /dev/zero | tr '\0' A; echo; done >&3`)
	v := boottest.VM(t, time.Minute, 10*time.Second)
	kr := judgeFault(t, v, pid, 30*time.Second)
	if why := missReason(kr); !strings.HasPrefix(why, "result stream over 64 MiB (frame.MaxStreamBytes)") {
		t.Errorf("MISS reason %q", why)
	}
	if st, err := os.Stat(v.ResultLog); err != nil || st.Size() != frame.MaxStreamBytes {
		t.Errorf("results.stream: %v, %d bytes, want exactly the cap", err, st.Size())
	}
}

// A report frame carrying a gzip bomb: the suite is MISS naming the
// frame and the cap, and nothing of the bomb is held.
func TestFaultGzipBombFrame(t *testing.T) {
	var zb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zb, gzip.BestCompression)
	chunk := make([]byte, 1<<20)
	for range 4 * frame.MaxDecompressedBytes >> 20 {
		zw.Write(chunk)
	}
	zw.Close()
	var s bytes.Buffer
	info, _ := json.Marshal(frame.GuestInfo{Release: "6.1.0-fault", Suites: []string{"open"}})
	frame.Write(&s, frame.InfoName, info)
	frame.Write(&s, "open/"+frame.ReportFile+frame.GzipSuffix, zb.Bytes())
	frame.WriteExit(&s, 0)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kr := streamFault(t, s.Bytes())
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > frame.MaxDecompressedBytes/4 {
		t.Errorf("judging the bomb allocated %d MiB", alloc>>20)
	}
	if why := kr.SuiteMiss["open"]; !strings.Contains(why, "frame open/report.json.gz: decompresses to more than 64 MiB") {
		t.Errorf("suite open: %q", why)
	}
}

// A frame whose header announces more than frame.MaxFrameBytes is not read.
func TestFaultOversizedFrame(t *testing.T) {
	var s bytes.Buffer
	info, _ := json.Marshal(frame.GuestInfo{Release: "6.1.0-fault", Suites: []string{"open"}})
	frame.Write(&s, frame.InfoName, info)
	fmt.Fprintf(&s, "BEGIN open/report.json %d %s\n", int64(1)<<40, strings.Repeat("0", 64))
	s.WriteString(strings.Repeat(strings.Repeat("A", 76)+"\n", 1000) + "END\n")
	frame.WriteExit(&s, 0)
	kr := streamFault(t, s.Bytes())
	if why := kr.SuiteMiss["open"]; !strings.Contains(why, "over the cap of 16 MiB (frame.MaxFrameBytes)") {
		t.Errorf("suite open: %q", why)
	}
}

// QEMU runs under its seccomp sandbox, as nobody when the runner is root,
// with PATH as its only environment, and reads the kernel and the
// initramfs from the fds the runner opened, even from a private directory.
func TestQEMUIsConfined(t *testing.T) {
	seen := filepath.Join(boottest.SharedDir(t), "seen")
	boottest.FakeQEMU(t, `{ id -u; id -G; env | grep -v '^PWD=' | sort | tr '\n' ' '; echo; echo "$@"; cat /proc/self/fd/4 /proc/self/fd/5; } >`+boottest.Quote(seen))
	v := boottest.VM(t, time.Minute, 10*time.Second)
	os.WriteFile(v.Kernel, []byte("KERNEL\n"), 0o600) // the user's own 0600 file
	os.WriteFile(v.Initrd, []byte("INITRD\n"), 0o644)
	t.Setenv("PIDFDCONF_SECRET", "token")
	v.Run(t.Context())
	b, err := os.ReadFile(seen)
	if err != nil {
		t.Fatalf("the fake QEMU did not run: %v", err)
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 6 {
		t.Fatalf("fake QEMU saw:\n%s", b)
	}
	wantUID := strconv.Itoa(os.Geteuid())
	if setup.IsRoot() {
		wantUID = "65534"
		if lines[1] != "65534" {
			t.Errorf("groups %q, want nogroup alone", lines[1])
		}
	}
	if lines[0] != wantUID {
		t.Errorf("QEMU ran as uid %s, want %s", lines[0], wantUID)
	}
	if env := strings.TrimSpace(lines[2]); strings.Contains(env, "SECRET") || !strings.HasPrefix(env, "PATH=") {
		t.Errorf("QEMU's environment: %q", env)
	}
	if !strings.Contains(lines[3], "-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny") {
		t.Errorf("QEMU's arguments lack the sandbox: %s", lines[3])
	}
	if lines[4] != "KERNEL" || lines[5] != "INITRD" {
		t.Errorf("QEMU read %q and %q through its fds", lines[4], lines[5])
	}
}

// The setup errors themselves, in-process (the runner's exit code for
// them is checked by TestFaultRunnerSetupErrors).
func TestFaultSetupErrorsNameTheFix(t *testing.T) {
	t.Run("QEMU missing from PATH", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		err := boot.EnsureQEMU(t.Context(), t.Logf, "amd64")
		if !setup.IsError(err) || !strings.Contains(err.Error(), "qemu-system-x86") {
			t.Errorf("got %v, want a setup error naming qemu-system-x86", err)
		}
	})
	t.Run("the cache directory unwritable", func(t *testing.T) {
		aFile := filepath.Join(t.TempDir(), "file")
		os.WriteFile(aFile, nil, 0o644)
		c := cache.Cache{Dir: filepath.Join(aFile, "cache")}
		_, err := c.Fill("kernel", "k", func(string) error { t.Error("fill called"); return nil })
		requireCacheSetupError(t, err)
		_, err = image.WriteCached(c, "amd64", aFile, nil)
		requireCacheSetupError(t, err)
	})
}

// Faults of the runner as a whole: its binary, its exit code, its signals.

var runnerBuild struct {
	once      sync.Once
	dir, path string
	err       error
}

// runnerBinary builds vm/cmd/pidfdconf-vm once per test binary.
func runnerBinary(t *testing.T) string {
	t.Helper()
	runnerBuild.once.Do(func() {
		runnerBuild.dir, runnerBuild.err = os.MkdirTemp("", "pidfdconf-vm-test-")
		if runnerBuild.err != nil {
			return
		}
		runnerBuild.path = filepath.Join(runnerBuild.dir, "pidfdconf-vm")
		root, _ := image.ModuleRoot(".")
		o, err := setup.Command(t.Context(), root, nil, image.GoCommand(), "build", "-o", runnerBuild.path, "./vm/cmd/pidfdconf-vm")
		if err != nil {
			runnerBuild.err = errors.New(string(o))
		}
	})
	if runnerBuild.err != nil {
		t.Fatalf("building the runner: %v", runnerBuild.err)
	}
	return runnerBuild.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if runnerBuild.dir != "" {
		os.RemoveAll(runnerBuild.dir)
	}
	os.Exit(code)
}

// fakeGoScript stands in for the go tool: every -o target gets a small
// file, for `go build -o FILE` and `go test -c -o DIR/ ./suites/AREA...`.
const fakeGoScript = `#!/bin/sh
o=; prev=
for a in "$@"; do [ "$prev" = -o ] && o=$a; prev=$a; done
case $o in
*/) for a in "$@"; do case $a in ./suites/*) echo fake >"$o${a#./suites/}.test";; esac; done;;
*) echo fake >"$o";;
esac
`

// runnerEnv is the runner's environment: the fake go, the fake QEMU (first
// on PATH when the test put it there) and a private cache.
func runnerEnv(t *testing.T) []string {
	t.Helper()
	goBin := filepath.Join(t.TempDir(), "go")
	if err := os.WriteFile(goBin, []byte(fakeGoScript), 0o755); err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(), "GO="+goBin)
}

// runnerCmd is `pidfdconf-vm matrix` on kernels with a private out and
// cache directory, run from the module root.
func runnerCmd(t *testing.T, kernels, cache string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	root, _ := image.ModuleRoot(".")
	cmd := exec.Command(runnerBinary(t), "matrix", "-kernels", kernels, "-selftests=false",
		"-out", filepath.Join(t.TempDir(), "out"), "-cache", cache, "-jobs", "1", "-timeout", "2m")
	cmd.Dir = root
	cmd.Env = runnerEnv(t)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// exitCode waits for the started cmd to end within bound.
func exitCode(t *testing.T, cmd *exec.Cmd, out *bytes.Buffer, bound time.Duration) int {
	t.Helper()
	timer := time.AfterFunc(bound, func() { cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if !cmd.ProcessState.Exited() {
		t.Fatalf("the runner did not end within %s:\n%s", bound, out)
	}
	return cmd.ProcessState.ExitCode()
}

func TestFaultRunnerSetupErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runner; skipped with -short")
	}
	notKernel := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notKernel, []byte(strings.Repeat("not a kernel\n", 100)), 0o644)
	aFile := filepath.Join(t.TempDir(), "file")
	os.WriteFile(aFile, nil, 0o644)
	for _, tc := range []struct {
		name, kernels, cache string
		noQEMU               bool   // PATH holds nothing at all
		want                 string // in the runner's output
	}{
		{"QEMU missing from PATH", "file:" + kernelstest.BzImageFile(t, "fault"), t.TempDir(), true, "qemu-system-x86"},
		{"a kernel file that is not a kernel", "file:" + notKernel, t.TempDir(), false, "is neither an x86 bzImage (no \"HdrS\" at 0x202) nor an arm64 Image (no \"ARM\\x64\" at 56, plain or gzip'd): point file: at"},
		{"the cache directory unwritable", "file:" + kernelstest.BzImageFile(t, "fault"), filepath.Join(aFile, "cache"), false, "set CACHE_DIR to a writable directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pid := fakeQEMUFault(t, "sleep 60")
			cmd, out := runnerCmd(t, tc.kernels, tc.cache)
			if tc.noQEMU {
				cmd.Env = append(cmd.Env, "PATH="+t.TempDir())
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if code := exitCode(t, cmd, out, 20*time.Second); code != judge.ExitSetup {
				t.Errorf("exit code %d, want %d:\n%s", code, judge.ExitSetup, out)
			}
			if !strings.Contains(out.String(), tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
			if _, err := os.Stat(pid); err == nil {
				t.Errorf("QEMU was started despite the setup error")
			}
		})
	}
}

func TestFaultCacheFull(t *testing.T) {
	if !setup.IsRoot() {
		t.Skip("needs root to mount a small tmpfs; the unwritable cache is covered by TestFaultRunnerSetupErrors")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=256k"); err != nil {
		t.Skipf("cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	big := filepath.Join(t.TempDir(), "suite.test")
	os.WriteFile(big, bytes.Repeat([]byte{0xa5}, 1<<20), 0o755)
	c := cache.Cache{Dir: dir}
	_, err := image.WriteCached(c, "amd64", big, []string{big})
	requireCacheSetupError(t, err)
	_, err = c.Fill("kernel", "k", func(tmp string) error {
		return cache.CopyFile(big, filepath.Join(tmp, "bzImage"), 0o644)
	})
	requireCacheSetupError(t, err)
	// Neither the image nor the kernel entry exists, not even half.
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			t.Errorf("left in the full cache: %s (%d bytes)", p, info.Size())
		}
		return nil
	})
	if c.Has("kernel", "k") {
		t.Errorf("the kernel entry exists after a failed fill")
	}
}

func requireCacheSetupError(t *testing.T, err error) {
	t.Helper()
	if err == nil || !setup.IsError(err) || !strings.Contains(err.Error(), "CACHE_DIR") {
		t.Errorf("got %v, want a setup error naming CACHE_DIR", err)
	}
}

func TestFaultSIGINTMidMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runner; skipped with -short")
	}
	// QEMU with a child of its own, both asleep: the guest is busy.
	pid := fakeQEMUFault(t, "echo booting; sleep 600 & wait")
	cache := t.TempDir()
	cmd, out := runnerCmd(t, "file:"+kernelstest.BzImageFile(t, "fault"), cache)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(pid); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("QEMU not started after 30s:\n%s", out)
		}
	}
	sent := time.Now()
	cmd.Process.Signal(os.Interrupt)
	if code := exitCode(t, cmd, out, 10*time.Second); code != judge.ExitSetup {
		t.Errorf("exit code %d, want %d:\n%s", code, judge.ExitSetup, out)
	}
	if d := time.Since(sent); d > 5*time.Second {
		t.Errorf("the runner took %s to exit after SIGINT", d)
	}
	if !strings.Contains(out.String(), "interrupted") {
		t.Errorf("output does not say it was interrupted:\n%s", out)
	}
	requireNoProcessGroup(t, pid)
	filepath.Walk(cache, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasPrefix(info.Name(), ".tmp-") {
			t.Errorf("half-written cache entry left: %s", p)
		}
		return nil
	})
}

// SIGTERM while a tree's kernel builds: make and the compiler it started
// (a child that would outlive make) die with the runner, which exits 3.
func TestFaultSIGTERMMidBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runner; skipped with -short")
	}
	for _, p := range []string{"build-essential", "flex", "bison", "bc", "libelf-dev", "libssl-dev", "xz-utils"} {
		if !setup.PackageInstalled(p) && !setup.IsRoot() {
			t.Skipf("needs the kernel build tools (%s missing)", p)
		}
	}
	shared := boottest.SharedDir(t)
	tree := filepath.Join(shared, "linux")
	for p, text := range map[string]string{
		"Makefile": "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\nEXTRAVERSION =\n", "Kconfig": "",
		"scripts/kconfig/merge_config.sh": "", "arch/x86/boot/header.S": "",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(tree, p)), 0o755)
		os.WriteFile(filepath.Join(tree, p), []byte(text), 0o644)
	}
	// The fake make is a group leader with a long-running compiler.
	pgidFile := filepath.Join(shared, "make.pid")
	os.WriteFile(filepath.Join(shared, "make"), []byte("#!/bin/sh\necho $$ >"+boottest.Quote(pgidFile)+"\nsleep 600 &\nwait\n"), 0o755)
	t.Setenv("PATH", shared+":"+os.Getenv("PATH"))

	cmd, out := runnerCmd(t, "tree:"+tree, t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if b, err := os.ReadFile(pgidFile); err == nil && len(b) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("make not started after 60s:\n%s", out)
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitCode(t, cmd, out, 20*time.Second); code != judge.ExitSetup {
		t.Errorf("exit code %d, want %d:\n%s", code, judge.ExitSetup, out)
	}
	requireNoProcessGroup(t, pgidFile)
}
