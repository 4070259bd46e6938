// Package boottest stands in for QEMU in the runner's tests: a shell script
// named like QEMU first on PATH, and a VM of no real kernel for it to "boot".
package boottest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/boot"
)

// FakeQEMU puts a shell script named like QEMU first on PATH for the rest
// of the test. $out in body is the result stream file (the -serial file:
// argument).
func FakeQEMU(t *testing.T, body string) {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\nfor a in \"$@\"; do case $a in file:*) out=${a#file:};; esac; done\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, boot.QEMUBinary("amd64")), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
}

// VM is an amd64 VM with the given deadline and silence window whose logs
// go to a directory of the test's.
func VM(t *testing.T, timeout, silence time.Duration) *boot.VM {
	dir := t.TempDir()
	return &boot.VM{Arch: "amd64", Kernel: "bzImage", Initrd: "initrd", MemoryMB: 64, CPUs: 1,
		Timeout: timeout, Silence: silence,
		ConsoleLog: filepath.Join(dir, "console.log"), ResultLog: filepath.Join(dir, "results.stream")}
}
