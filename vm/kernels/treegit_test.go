package kernels

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/kernels/kernelstest"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// gitTree is fakeTree committed to git, with a working-tree change so that
// describe --dirty and diff compare files.
func gitTree(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	dir := fakeTree(t)
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"commit", "-q", "-m", "base"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	writeTreeFile(t, dir, "kernel/pid.c", "int pie;\n")
	return dir
}

// hostileGit makes dir's git config and hooks name a command for
// everything git could run, each touching its own file in the returned
// directory.
func hostileGit(t *testing.T, dir string) (marks string) {
	t.Helper()
	marks = kernelstest.SharedDir(t)
	mark := func(what string) string { return "touch " + filepath.Join(marks, what) }
	hooks := filepath.Join(dir, ".git", "hooks")
	for _, h := range []string{"post-checkout", "post-index-change", "reference-transaction", "pre-auto-gc"} {
		writeTreeFile(t, hooks, h, "#!/bin/sh\n"+mark("hook-"+h)+"\n")
		os.Chmod(filepath.Join(hooks, h), 0o755)
	}
	writeTreeFile(t, dir, ".gitattributes", "* filter=evil diff=evil\n")
	config := `
[core]
	fsmonitor = "` + mark("fsmonitor") + `; false"
	pager = "` + mark("pager") + `; cat"
	hooksPath = .git/hooks
[filter "evil"]
	clean = "` + mark("clean") + `; cat"
	smudge = "` + mark("smudge") + `; cat"
	required = true
[filter "with=equals"]
	process = "` + mark("process") + `"
[diff "evil"]
	textconv = "` + mark("textconv") + `; cat"
	command = "` + mark("diffcommand") + `"
[diff]
	external = "` + mark("external") + `"
`
	f, err := os.OpenFile(filepath.Join(dir, ".git", "config"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(config)
	f.Close()
	return marks
}

// requireRan fails unless plain git, as the runner used to call it, runs
// some configured command for args: the control without which the
// hardened calls' silence proves nothing. It clears the marks.
func requireRan(t *testing.T, dir, marks string, args ...[]string) {
	t.Helper()
	for _, a := range args {
		exec.Command("git", append([]string{"-c", "safe.directory=*", "-C", dir}, a...)...).Run()
	}
	ran, _ := os.ReadDir(marks)
	if len(ran) == 0 {
		t.Fatal("the control ran no configured command: the test proves nothing")
	}
	for _, e := range ran {
		t.Logf("plain git ran %s", e.Name())
		os.Remove(filepath.Join(marks, e.Name()))
	}
}

func requireNoneRan(t *testing.T, marks, what string) {
	t.Helper()
	ran, _ := os.ReadDir(marks)
	for _, e := range ran {
		t.Errorf("%s ran the configured %s", what, e.Name())
	}
}

// A tree's .git/config naming commands for everything describe, diff and
// ls-files could run: none of them runs while the runner identifies the
// tree.
func TestTreeGitRunsNoConfiguredCommand(t *testing.T) {
	dir := gitTree(t)
	marks := hostileGit(t, dir)
	requireRan(t, dir, marks, []string{"describe", "--always", "--dirty"}, []string{"diff", "HEAD", "--binary"})
	ts := inspect(t, dir, "minimal")
	if !ts.Git || !strings.HasSuffix(ts.Desc, "-dirty") || ts.Hash == "" {
		t.Errorf("the tree was not identified: %+v", ts)
	}
	requireNoneRan(t, marks, "identifying the tree")
}

// make bisect-run's checkouts go through TreeGit: no hook, smudge filter
// or fsmonitor runs, and the checkout still happens.
func TestTreeGitChecksOutWithoutRunningTheTree(t *testing.T) {
	dir := gitTree(t)
	marks := hostileGit(t, dir)
	requireRan(t, dir, marks, []string{"checkout", "--", "kernel/pid.c"})
	writeTreeFile(t, dir, "kernel/pid.c", "int pie;\n")
	if out, err := TreeGit(t.Context(), dir, "checkout", "--", "kernel/pid.c").CombinedOutput(); err != nil {
		t.Fatalf("checkout: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "kernel/pid.c")); string(b) != "int pid;\n" {
		t.Errorf("the checkout did not happen: %q", b)
	}
	requireNoneRan(t, marks, "tree-git checkout")
}

// When the runner is root, a tree is configured and built by its owner,
// and the cache entry holds the runner's copies of what the build made.
func TestTreeBuildsAsItsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the runner builds as itself unless it is root")
	}
	for _, p := range buildTools {
		if !setup.PackageInstalled(p) {
			t.Skipf("needs the kernel build tools (%s missing)", p)
		}
	}
	ran, _ := fakeMake(t)
	dir := fakeTree(t)
	const owner = 4242 // no passwd entry needed
	filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, owner, owner) })
	s, _ := ParseKernelSpec("tree:" + dir)
	k, err := (&Resolver{Cache: cache.Cache{Dir: t.TempDir()}}).Resolve(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(ran); !regexp.MustCompile(`^(4242\n)+$`).Match(b) {
		t.Errorf("make ran as %q, want uid %d every time", b, owner)
	}
	if !strings.Contains(k.Describe, "built as uid 4242 (the tree's owner)") {
		t.Errorf("describe: %s", k.Describe)
	}
	for _, f := range []string{k.BzImage, k.Config} {
		var st syscall.Stat_t
		if err := syscall.Lstat(f, &st); err != nil || st.Uid != 0 || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
			t.Errorf("%s: %v, uid %d mode %o: want root's regular file", f, err, st.Uid, st.Mode)
		}
	}
	left, _ := filepath.Glob(filepath.Join(os.TempDir(), "pidfdconf-build-*"))
	for _, d := range left {
		if st, err := os.Stat(d); err == nil && st.Sys().(*syscall.Stat_t).Uid == owner {
			t.Errorf("work directory left behind: %s", d)
		}
	}
}

// A build that leaves a symlink where the bzImage goes: the runner copies
// nothing it points to.
func TestBuiltSymlinkIsNotFollowed(t *testing.T) {
	obj := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("precious"), 0o600)
	os.MkdirAll(filepath.Join(obj, "arch/x86/boot"), 0o755)
	os.Symlink(secret, filepath.Join(obj, "arch/x86/boot/bzImage"))
	dst := filepath.Join(t.TempDir(), "bzImage")
	if err := copyBuilt(obj, "arch/x86/boot/bzImage", dst, maxBuiltImage); err == nil {
		t.Fatal("a symlink out of the build was copied")
	}
	if _, err := os.Stat(dst); err == nil {
		t.Error("the copy exists")
	}
	syscall.Mkfifo(filepath.Join(obj, ".config"), 0o644)
	if _, err := readBuilt(obj, ".config", maxBuiltConfig); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO as .config: %v", err)
	}
}
