// Package boottest stands in for QEMU in the runner's tests: a shell script
// named like QEMU first on PATH, and a VM of no real kernel for it to "boot".
package boottest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/boot"
	"github.com/pidfdconf/pidfdconf/vm/kernels/kernelstest"
)

// FakeQEMU puts a shell script named like QEMU first on PATH for the rest
// of the test. body writes the console to stdout and the result stream to
// fd 3 (`>&3`), as QEMU's ttyS0 and ttyS1. QEMU gets no environment but
// PATH and, when the runner is root, runs as nobody: body names its files
// by absolute path (Quote), in a SharedDir.
func FakeQEMU(t *testing.T, body string) {
	t.Helper()
	dir := SharedDir(t)
	script := "#!/bin/sh\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, boot.QEMUBinary("amd64")), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
}

// SharedDir is kernelstest.SharedDir: a directory a fake QEMU running as
// nobody can use.
func SharedDir(t *testing.T) string { return kernelstest.SharedDir(t) }

// Quote is s as one shell word.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// VM is an amd64 VM with the given deadline and silence window whose logs
// go to a directory of the test's; its kernel and initramfs are empty files.
func VM(t *testing.T, timeout, silence time.Duration) *boot.VM {
	dir := t.TempDir()
	for _, f := range []string{"bzImage", "initrd"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &boot.VM{Arch: "amd64", Kernel: filepath.Join(dir, "bzImage"), Initrd: filepath.Join(dir, "initrd"), MemoryMB: 64, CPUs: 1,
		Timeout: timeout, Silence: silence,
		ConsoleLog: filepath.Join(dir, "console.log"), ResultLog: filepath.Join(dir, "results.stream")}
}
