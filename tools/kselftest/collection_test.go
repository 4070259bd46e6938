package main

import (
	"cmp"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/ktap"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/internal/role"
	"github.com/pidfdconf/pidfdconf/internal/specid"
	"github.com/pidfdconf/pidfdconf/internal/specreport"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/kselftest"
)

// unprivileged is the ordinary user of `make suites-unprivileged`.
const unprivileged = "65534"

// TestCollectionUnderTheKernelsRunner installs the collection with the
// kernel's own runner, runs `run_kselftest.sh -c pidfdconf` as root and
// as uid 65534, and reads its output with the kernel's KTAP parser: the
// run must exit 0, and every program must list exactly the specs, with
// exactly the verdicts, that the same suites give run natively.
func TestCollectionUnderTheKernelsRunner(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every suite and runs each three times (~2 min; the first run also extracts the kernel's runner from a linux-source)")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is not installed (the kernel's KTAP parser is Python): apt-get install -y python3")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	dir := sharedTempDir(t)
	c, err := kselftest.Install(ctx, kselftest.Options{Dir: dir, Runner: true, Log: testLog{t}})
	if err != nil {
		t.Fatal(err)
	}
	tools, _, err := kselftest.KernelTools(ctx, testLog{t})
	if err != nil {
		t.Fatal(err)
	}
	native := buildNative(ctx, t, c.Programs)
	users := []string{""}
	if os.Geteuid() == 0 {
		users = append(users, unprivileged)
	} else {
		t.Log("not root: the run as uid 65534 is left out, this run is the unprivileged one")
	}
	for _, user := range users {
		t.Run("uid="+cmp.Or(user, fmt.Sprint(os.Geteuid())), func(t *testing.T) {
			work := workDir(t, user)
			out, code := run(ctx, t, user, work, nil, filepath.Join(dir, "run_kselftest.sh"), "-c", kselftest.Collection)
			if code != 0 {
				t.Errorf("run_kselftest.sh -c %s exited %d, want 0; its output:\n%s", kselftest.Collection, code, out)
			}
			parsed := parseRun(ctx, t, python, tools, out)
			skipped := 0
			for _, area := range c.Programs {
				want := nativeVerdicts(ctx, t, user, work, native, area)
				checkProgram(t, area, parsed.Programs[area], want)
				if programSkips(want) {
					skipped++
				}
			}
			// A program none of whose specs can run here (all need root,
			// say) is a skipped program (KSFT_SKIP), not a passed one.
			if r := parsed.Runner; r.Status != "SUCCESS" || r.Passed != len(c.Programs)-skipped || r.Skipped != skipped || len(r.Cases) != len(c.Programs) {
				t.Errorf("kunit_parser read the runner's document as %+v, want %d programs passed and %d skipped", r, len(c.Programs)-skipped, skipped)
			}
		})
	}
}

// TestCollectionBuildsForEveryArch installs the collection for the arches
// kernel CI boots (they run in VMs elsewhere) and checks each program is
// a static binary for its machine.
func TestCollectionBuildsForEveryArch(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-builds every suite for i386 and arm64")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	for arch, machine := range map[string]elf.Machine{"i386": elf.EM_386, "arm64": elf.EM_AARCH64} {
		c, err := kselftest.Install(ctx, kselftest.Options{Dir: t.TempDir(), Arch: arch})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range append(slices.Clone(c.Programs), role.BinaryName) {
			f, err := elf.Open(filepath.Join(c.Dir, p))
			if err != nil {
				t.Fatalf("%s for %s: %v", p, arch, err)
			}
			static := !slices.ContainsFunc(f.Progs, func(p *elf.Prog) bool { return p.Type == elf.PT_INTERP })
			if f.Machine != machine || !static {
				t.Errorf("%s for %s is %v (static %v), want a static %v", p, arch, f.Machine, static, machine)
			}
			f.Close()
		}
	}
}

// checkProgram compares one program's cases, as kunit_parser read them,
// with the suite's native verdicts by KTAP name.
func checkProgram(t *testing.T, area string, got *kselftest.Program, want map[string]outcome.Verdict) {
	t.Helper()
	if got == nil {
		t.Errorf("program %s: not in the runner's output", area)
		return
	}
	if got.Crashed != 0 || got.Errors != 0 {
		t.Errorf("program %s: kunit_parser found %d crashed (missing) cases and %d parse errors", area, got.Crashed, got.Errors)
	}
	counts := map[string]int{}
	for name, v := range want {
		status, ok := got.Results[name]
		switch {
		case !ok:
			t.Errorf("program %s: spec %s (native %s) is not in its KTAP", area, name, v)
		case status != kselftest.Status(v):
			t.Errorf("program %s: spec %s is %s in KTAP, native %s", area, name, status, v)
		}
		counts[kselftest.Status(v)]++
	}
	for name := range got.Results {
		if _, ok := want[name]; !ok {
			t.Errorf("program %s: KTAP has %s, which the native run does not", area, name)
		}
	}
	if got.Passed != counts["SUCCESS"] || got.Skipped != counts["SKIPPED"] || got.Failed != counts["FAILURE"] {
		t.Errorf("program %s: kunit_parser counted %d passed, %d skipped, %d failed; natively %v", area, got.Passed, got.Skipped, got.Failed, counts)
	}
}

// programSkips reports whether a program with these native verdicts exits
// KSFT_SKIP: no spec passed and some skipped.
func programSkips(verdicts map[string]outcome.Verdict) bool {
	skips := false
	for _, v := range verdicts {
		if v == outcome.PASS || v == outcome.XFAIL {
			return false
		}
		skips = skips || v == outcome.SKIP
	}
	return skips
}

// parseRun reads run_kselftest.sh's output with the kernel's KTAP parser.
func parseRun(ctx context.Context, t *testing.T, python, tools string, out []byte) kselftest.Summary {
	t.Helper()
	root, err := image.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	s, err := kselftest.Parse(ctx, python, root, tools, out)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// buildNative compiles the suites as `make suites` runs them (not stamped
// as kselftest programs) and the role binary, into a directory every user
// can read.
func buildNative(ctx context.Context, t *testing.T, areas []string) string {
	t.Helper()
	root, err := image.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := sharedTempDir(t)
	args := []string{"test", "-c", "-o", dir + "/"}
	for _, a := range areas {
		args = append(args, "./suites/"+a)
	}
	build := exec.CommandContext(ctx, image.GoCommand(), args...)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	build = exec.CommandContext(ctx, image.GoCommand(), "build", "-o", filepath.Join(dir, role.BinaryName), "./cmd/pidfdconf-role")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the role binary: %v\n%s", err, out)
	}
	return dir
}

// nativeVerdicts runs one suite natively (as user, "" for this process's)
// and maps its Ginkgo report as the KTAP stream does, by KTAP name.
func nativeVerdicts(ctx context.Context, t *testing.T, user, work, native, area string) map[string]outcome.Verdict {
	t.Helper()
	report := filepath.Join(work, area+".json")
	out, code := run(ctx, t, user, work, []string{"PIDFDCONF_ROLE_BINARY=" + filepath.Join(native, role.BinaryName)},
		filepath.Join(native, area+".test"), "-ginkgo.json-report="+report, "-ginkgo.no-color")
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("native %s (exit %d) wrote no report: %v\n%s", area, code, err, out)
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		t.Fatal(err)
	}
	verdicts := map[string]outcome.Verdict{}
	for _, r := range reports {
		for _, sr := range r.SpecReports {
			if sr.LeafNodeType == types.NodeTypeIt {
				id, _ := specid.Of(sr.Labels())
				verdicts[ktap.Name(area, id, sr.FullText())] = specreport.Of(sr).Verdict
			}
		}
	}
	return verdicts
}

// run runs a command as user ("" for this process's) in work, with
// TMPDIR and HOME there (as tools/suites-unprivileged.sh does), and
// returns its stdout and stderr through one pipe, as a lab captures them,
// and its exit code. The pipe belongs to user: runner.sh reopens
// /dev/stdout, which a user may not do to a pipe root owns. The whole
// process group ends with ctx.
func run(ctx context.Context, t *testing.T, user, work string, env []string, name string, args ...string) ([]byte, int) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if user != "" {
		id := uid(t, user)
		args = append([]string{"--reuid=" + user, "--regid=" + user, "--clear-groups", name}, args...)
		name = "setpriv"
		if err := w.Chown(id, id); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), append([]string{"TMPDIR=" + work, "HOME=" + work}, env...)...)
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		w.Close()
		t.Fatalf("%s: %v", name, err)
	}
	w.Close()
	out, _ := io.ReadAll(r)
	err = cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("%s did not end in time: %v\n%s", name, ctx.Err(), out)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return out, ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out, 0
}

func uid(t *testing.T, user string) int {
	t.Helper()
	id, err := strconv.Atoi(user)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// sharedTempDir is a temporary directory every user can read.
func sharedTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pidfdconf-kselftest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// workDir is a temporary directory user owns.
func workDir(t *testing.T, user string) string {
	t.Helper()
	dir := sharedTempDir(t)
	if user != "" {
		if err := os.Chown(dir, uid(t, user), uid(t, user)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// testLog sends progress lines to the test's log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

var _ io.Writer = testLog{}
