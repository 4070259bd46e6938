package kselftest

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// fakeInstall lays out an install as Install with its runner leaves it.
func fakeInstall(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, mode := range map[string]os.FileMode{
		"run_kselftest.sh": 0o755, "kselftest-list.txt": 0o644,
		"kselftest/runner.sh": 0o755, "kselftest/ktap_helpers.sh": 0o644,
		Collection + "/settings": 0o644, Collection + "/open": 0o755, Collection + "/pidfdconf-role": 0o755,
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(name), mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func fakeGuest(t *testing.T) Guest {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "busybox")
	if err := os.WriteFile(bin, []byte("busybox"), 0o755); err != nil {
		t.Fatal(err)
	}
	script, err := WriteScript(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(cfg, []byte("CONFIG_PIDFS=y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return Guest{Busybox: bin, Install: fakeInstall(t), Script: script, Config: cfg, Release: "7.3.4+deb13-cloud-arm64"}
}

// The layer holds busybox, the script /init starts, every file of the
// install with its executable bit, and the config where a Debian machine
// keeps it; the kernel creates no parent directories while unpacking, so
// every directory's first file comes after a file of its parent's.
func TestGuestFilesInUnpackOrder(t *testing.T) {
	g := fakeGuest(t)
	files, err := g.Files()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	made := map[string]bool{".": true, "bin": true} // the base image has bin/
	for _, f := range files {
		have[f.Name] = f.Executable
		dir := path.Dir(f.Name)
		if !made[dir] && !made[path.Dir(dir)] {
			t.Errorf("%s comes before any file of %s's parent", f.Name, dir)
		}
		made[dir] = true
	}
	want := map[string]bool{
		frame.BusyboxPath: true, frame.KselftestScriptPath: true,
		"kselftest/run_kselftest.sh": true, "kselftest/kselftest-list.txt": false,
		"kselftest/kselftest/runner.sh": true, "kselftest/kselftest/ktap_helpers.sh": false,
		"kselftest/pidfdconf/settings": false, "kselftest/pidfdconf/open": true, "kselftest/pidfdconf/pidfdconf-role": true,
		"boot/config-7.3.4+deb13-cloud-arm64": false,
	}
	for name, exec := range want {
		if got, ok := have[name]; !ok || got != exec {
			t.Errorf("%s: in the layer %v, executable %v; want executable %v", name, ok, got, exec)
		}
	}
	if len(files) != len(want) {
		t.Errorf("%d files, want %d: %v", len(files), len(want), files)
	}
}

// An install without the kernel's runner (KSELFTEST_RUNNER=0 style) or
// the collection cannot boot as a kselftest guest; a release that would
// name a path elsewhere is refused.
func TestGuestRefusesAnIncompleteInstall(t *testing.T) {
	for _, missing := range []string{"run_kselftest.sh", "kselftest/runner.sh", Collection + "/settings"} {
		g := fakeGuest(t)
		os.Remove(filepath.Join(g.Install, missing))
		if _, err := g.Files(); err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("install without %s: %v, want an error naming it", missing, err)
		}
	}
	g := fakeGuest(t)
	g.Release = "../../etc/x"
	if _, err := g.Files(); err == nil {
		t.Error("a release with a slash named a file outside /boot")
	}
}

// The layer's key follows the content: a rebuilt program is a new image.
func TestGuestLayerKeyFollowsContent(t *testing.T) {
	g := fakeGuest(t)
	a, err := g.Layer()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(g.Install, Collection, "open"), []byte("rebuilt"), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := g.Layer()
	if err != nil {
		t.Fatal(err)
	}
	if a.Key == b.Key {
		t.Error("a changed program left the layer's key as it was")
	}
}

// The script is valid sh, starts the collection with the kernel's runner
// from the install, makes the /dev/std* links runner.sh writes to, and
// puts a timeout there that accepts coreutils' --foreground.
func TestScript(t *testing.T) {
	for _, want := range []string{
		"#!/bin/busybox sh\n", "/bin/busybox --install -s\n", "cd /" + frame.KselftestPath + "\n",
		"exec ./run_kselftest.sh -c " + Collection + "\n", "stdout:/proc/self/fd/1",
		`[ "$1" = --foreground ] && shift`, "exec /bin/busybox timeout \"$@\"",
	} {
		if !strings.Contains(Script, want) {
			t.Errorf("the script lacks %q", want)
		}
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to check the script's syntax")
	}
	p, err := WriteScript(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(sh, "-n", p).CombinedOutput(); err != nil {
		t.Errorf("sh -n: %v\n%s", err, out)
	}
}

// The wrapper, cut from the script, runs a program without --foreground
// and passes the rest to timeout as busybox's would get them.
func TestScriptTimeoutWrapper(t *testing.T) {
	start := strings.Index(Script, "<<'WRAPPER'\n")
	end := strings.Index(Script, "\nWRAPPER\n")
	if start < 0 || end < start {
		t.Fatal("no WRAPPER here-document in the script")
	}
	wrapper := Script[start+len("<<'WRAPPER'\n") : end]
	// "timeout ARGS" stands in for busybox's applet: it prints what it got.
	wrapper = strings.Replace(wrapper, "exec /bin/busybox timeout", "echo timeout", 1)
	out, err := exec.Command("sh", "-c", wrapper, "timeout", "--foreground", "300", "/usr/bin/timeout", "300", "./open").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "timeout 300 /usr/bin/timeout 300 ./open" {
		t.Errorf("the wrapper ran %q", got)
	}
}
