package kernels

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/kernels/kernelstest"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// fakeTree writes the top of a kernel source tree: enough for inspectTree,
// nothing that builds. It is root's when the test runs as root, so its
// builder is nobody, who can read it.
func fakeTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(kernelstest.SharedDir(t), "linux")
	files := map[string]string{
		"Makefile":                        "# SPDX\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\nEXTRAVERSION =\nNAME = Baby Opossum Posse\n",
		"Kconfig":                         "mainmenu \"Linux\"\n",
		"scripts/kconfig/merge_config.sh": "#!/bin/sh\n",
		"arch/x86/boot/header.S":          "/* */\n",
		"kernel/pid.c":                    "int pid;\n",
	}
	for p, text := range files {
		writeTreeFile(t, dir, p, text)
	}
	return dir
}

func writeTreeFile(t *testing.T, dir, rel, text string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func inspect(t *testing.T, dir, config string) treeSource {
	t.Helper()
	s, err := ParseKernelSpec("tree:" + dir + ":" + config)
	if err != nil {
		t.Fatal(err)
	}
	ts, _, err := inspectTree(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestTreeWithoutGitIsKeyedByContent(t *testing.T) {
	dir := fakeTree(t)
	a := inspect(t, dir, "minimal")
	if a.Git || a.Version != "6.12.117" || len(a.Hash) != 64 {
		t.Fatalf("tree: %+v", a)
	}
	if !strings.Contains(a.String(), "not a git checkout; content sha256 "+a.Hash[:12]) {
		t.Errorf("describe: %s", a)
	}
	if b := inspect(t, dir, "minimal"); b.Hash != a.Hash {
		t.Errorf("the same content hashed twice differs")
	}
	// Same size, same mtime, other content: only a content hash sees it.
	st, _ := os.Stat(filepath.Join(dir, "kernel/pid.c"))
	writeTreeFile(t, dir, "kernel/pid.c", "int pie;\n")
	os.Chtimes(filepath.Join(dir, "kernel/pid.c"), st.ModTime(), st.ModTime())
	if b := inspect(t, dir, "minimal"); b.Hash == a.Hash {
		t.Errorf("a one-letter change to a .c file kept the key")
	}
	writeTreeFile(t, dir, "kernel/pid.c", "int pid;\n")
	writeTreeFile(t, dir, "arch/x86/Makefile", "# new\n")
	if b := inspect(t, dir, "minimal"); b.Hash == a.Hash {
		t.Errorf("a new Makefile kept the key")
	}
}

func TestTreeInGitIsKeyedByCommitAndChanges(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	dir := fakeTree(t)
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"commit", "-q", "-m", "base"}, {"tag", "-a", "-m", "Linux 6.12.117", "v6.12.117"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	clean := inspect(t, dir, "minimal")
	if !clean.Git || clean.Desc != "v6.12.117" || len(clean.Commit) != 40 || clean.Hash != "" {
		t.Fatalf("clean checkout: %+v", clean)
	}
	if !strings.Contains(clean.String(), "at v6.12.117 (commit "+clean.Commit+")") {
		t.Errorf("describe: %s", clean)
	}
	writeTreeFile(t, dir, "kernel/pid.c", "int pie;\n")
	dirty := inspect(t, dir, "minimal")
	if dirty.Desc != "v6.12.117-dirty" || dirty.Hash == "" || !strings.Contains(dirty.String(), "uncommitted changes sha256") {
		t.Fatalf("dirty checkout: %+v", dirty)
	}
	writeTreeFile(t, dir, "kernel/new.c", "int n;\n")
	if untracked := inspect(t, dir, "minimal"); untracked.Hash == dirty.Hash {
		t.Errorf("an untracked source file kept the key")
	}
	if strings.Join(clean.identity(), " ") == strings.Join(dirty.identity(), " ") {
		t.Errorf("clean and dirty share a build key")
	}
}

func TestTreeSpecRejectsWhatIsNotATree(t *testing.T) {
	notTree := t.TempDir()
	writeTreeFile(t, notTree, "Makefile", "all:\n")
	for path, msg := range map[string]string{
		filepath.Join(t.TempDir(), "missing"): "no such file or directory: point tree: at an existing kernel source tree",
		notTree:                               "is not the top of a Linux source tree (no Kconfig)",
	} {
		s, _ := ParseKernelSpec("tree:" + path)
		_, err := (&Resolver{Cache: cache.Cache{Dir: t.TempDir()}}).Resolve(t.Context(), s)
		if err == nil || !setup.IsError(err) || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: got %v, want a setup error containing %q", path, err, msg)
		}
	}
}

// fakeMake stands in for the kernel's make: "bzImage" leaves a bootable
// looking image in O=, every other target a .config; it records who ran
// it in the file it returns. Calling fail makes the build fail the way a
// broken commit does (a file, not the environment: builds get none).
func fakeMake(t *testing.T) (ran string, fail func()) {
	t.Helper()
	dir := kernelstest.SharedDir(t)
	img := filepath.Join(dir, "bzImage.src")
	if err := os.WriteFile(img, kernelstest.BzImage("tree"), 0o644); err != nil {
		t.Fatal(err)
	}
	ran, failFlag := filepath.Join(dir, "ran"), filepath.Join(dir, "fail")
	script := `#!/bin/sh
id -u >>` + ran + `
[ -n "$PIDFDCONF_SECRET" ] && echo "the build saw the runner's environment" >>` + ran + `
[ -e ` + failFlag + ` ] && { echo "kernel/pid.c:1: error: expected ';'"; exit 2; }
for a in "$@"; do case $a in O=*) o=${a#O=};; esac; last=$a; done
mkdir -p "$o/arch/x86/boot"
case $last in bzImage) cp ` + img + ` "$o/arch/x86/boot/bzImage";; *) echo CONFIG_X=y >"$o/.config";; esac
`
	if err := os.WriteFile(filepath.Join(dir, "make"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	return ran, func() { os.WriteFile(failFlag, nil, 0o644) }
}

func TestTreeBuildsIntoTheCacheOnce(t *testing.T) {
	for _, p := range buildTools {
		if !setup.PackageInstalled(p) {
			t.Skipf("needs the kernel build tools (%s missing)", p)
		}
	}
	ran, fail := fakeMake(t)
	t.Setenv("PIDFDCONF_SECRET", "token")
	dir := fakeTree(t)
	r := &Resolver{Cache: cache.Cache{Dir: t.TempDir()}}
	resolve := func(spec string) (*Kernel, error) {
		s, err := ParseKernelSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		return r.Resolve(t.Context(), s)
	}
	k, err := resolve("tree:" + dir)
	if err != nil {
		t.Fatal(err)
	}
	if k.Name != "tree-6.12.117-minimal" || !strings.Contains(k.Describe, "content sha256") || !strings.Contains(k.Describe, "build log "+filepath.Join(r.Cache.Dir, "logs")) {
		t.Errorf("kernel %s: %s", k.Name, k.Describe)
	}
	again, err := resolve("tree:" + dir + ":minimal")
	if err != nil || again.BzImage != k.BzImage {
		t.Errorf("the same tree and config built twice: %v %s vs %s", err, again.BzImage, k.BzImage)
	}
	other, err := resolve("tree:" + dir + ":no-proc")
	if err != nil || other.BzImage == k.BzImage {
		t.Errorf("another config shares the build: %v", err)
	}
	// Root's tree builds as nobody, never as root, and never sees the
	// runner's environment.
	b, _ := os.ReadFile(ran)
	if strings.Contains(string(b), "environment") {
		t.Errorf("%s", b)
	}
	if setup.IsRoot() && strings.TrimSpace(string(b)) != strings.TrimSpace(strings.Repeat("65534\n", strings.Count(string(b), "\n"))) {
		t.Errorf("make ran as %q, want nobody every time", b)
	}
	fail()
	writeTreeFile(t, dir, "kernel/pid.c", "int pid\n")
	_, err = resolve("tree:" + dir)
	var be *BuildError
	if !errors.As(err, &be) || !setup.IsError(err) || !strings.Contains(err.Error(), "expected ';'") {
		t.Errorf("a tree that does not build: %v, want a BuildError", err)
	}
}
