package vm

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/boot/boottest"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/gate"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/kernels/kernelstest"
)

// bisectCommit is one commit of the synthetic history: the result stream
// the fake QEMU serves while it is checked out ("" = the kernel does not
// reach /init).
type bisectCommit struct{ stream []byte }

// bisectRepo builds a git history whose commits select what the fake
// guest reports, and returns the repository and its commit ids in order.
func bisectRepo(t *testing.T, commits []bisectCommit) (string, []string) {
	t.Helper()
	repo := boottest.SharedDir(t) // the fake QEMU reads it, as nobody when root
	gitIn := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	gitIn("init", "-q")
	var ids []string
	for i, c := range commits {
		if err := os.WriteFile(filepath.Join(repo, "stream"), c.stream, 0o644); err != nil {
			t.Fatal(err)
		}
		gitIn("add", "stream")
		gitIn("commit", "-q", "--allow-empty", "-m", "commit "+string(rune('1'+i)))
		ids = append(ids, gitIn("rev-parse", "HEAD"))
	}
	return repo, ids
}

// TestBisectRunFindsBreakingCommit drives `git bisect run` with the real
// runner binary over commits good, bad (the breaking one), unbootable,
// bad: the fake QEMU serves the checked-out commit's stream, so every
// step goes through the runner's whole exit-code path.
func TestBisectRunFindsBreakingCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runner; skipped with -short")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	good, bad, unreached := openStream(t, "passed"), openStream(t, "failed"), specStream(t, "skipped", "")
	repo, ids := bisectRepo(t, []bisectCommit{{good}, {bad}, {nil}, {bad}, {unreached}})
	stream := boottest.Quote(filepath.Join(repo, "stream"))
	fakeQEMUFault(t, `if [ -s `+stream+` ]; then echo booted; cat `+stream+` >&3; else echo "VFS: Unable to mount root fs"; fi`)
	root, _ := image.ModuleRoot(".")
	step := []string{runnerBinary(t), "bisect-run", "-kernel", "file:" + kernelstest.BzImageFile(t, "fault"),
		"-focus", "open: pidfd_open(2) fails", "-root", root, "-out", t.TempDir(), "-cache", t.TempDir(), "-timeout", "1m"}
	env := runnerEnv(t)
	run := func(args ...string) (string, int) {
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Env = env
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	// The fifth commit's guest stopped before the focused spec: not good.
	for i, want := range []int{gate.BisectGood, gate.BisectBad, gate.BisectSkip, gate.BisectBad, gate.BisectSkip} {
		run("checkout", "-q", ids[i])
		cmd := exec.Command(step[0], step[1:]...)
		cmd.Dir, cmd.Env = repo, env
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != want {
			t.Errorf("commit %d: exit %d, want %d:\n%s", i+1, code, want, out)
		}
	}
	run("checkout", "-q", ids[3])
	if out, code := run("bisect", "start", ids[3], ids[0]); code != 0 {
		t.Fatalf("git bisect start: %s", out)
	}
	start := time.Now()
	out, code := run(append([]string{"bisect", "run"}, step...)...)
	if code != 0 || !strings.Contains(out, ids[1]+" is the first bad commit") {
		t.Errorf("git bisect run (exit %d, %s) did not name commit 2 (%s) first bad:\n%s", code, format.Duration(time.Since(start)), ids[1], out)
	}
}
