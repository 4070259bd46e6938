package vm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeQEMU puts a shell script named like QEMU first on PATH. $out in the
// script is the result stream file (the -serial file: argument).
func fakeQEMU(t *testing.T, body string) {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\nfor a in \"$@\"; do case $a in file:*) out=${a#file:};; esac; done\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, qemuBinary("amd64")), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
}

func fakeVM(t *testing.T, timeout, silence time.Duration) *VM {
	dir := t.TempDir()
	return &VM{Arch: "amd64", Kernel: "bzImage", Initrd: "initrd", MemoryMB: 64, CPUs: 1,
		Timeout: timeout, Silence: silence,
		ConsoleLog: filepath.Join(dir, "console.log"), ResultLog: filepath.Join(dir, "results.stream")}
}

func TestSilenceSeparatesSlowFromStuck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		script  string
		timeout time.Duration
		want    string // EndReason prefix; "" for a VM that powered off by itself
	}{
		// A dot every 0.2 s for 2 s: twice the silence window in
		// total, never silent that long, no newline (Ginkgo's dots).
		{"slow console", "for i in 1 2 3 4 5 6 7 8 9 10; do printf .; sleep 0.2; done", time.Minute, ""},
		// A silent console while the result stream grows is progress too.
		{"slow result stream", "for i in 1 2 3 4 5 6 7 8 9 10; do printf x >>\"$out\"; sleep 0.2; done", time.Minute, ""},
		{"stuck after a line", "echo booting; exec sleep 60", time.Minute, "guest stuck: no console or result output for 1s"},
		{"stuck at once", "exec sleep 60", time.Minute, "guest stuck"},
		{"slow past the deadline", "while :; do printf .; sleep 0.1; done", 1500 * time.Millisecond, "guest slow: VM deadline 1.5s passed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fakeQEMU(t, tc.script)
			v := fakeVM(t, tc.timeout, time.Second)
			res := v.Run(context.Background())
			why := v.EndReason(res)
			if !strings.HasPrefix(why, tc.want) || (tc.want == "") != (why == "") {
				t.Fatalf("EndReason = %q, want prefix %q (result %+v)", why, tc.want, res)
			}
			if res.Wall > 10*time.Second {
				t.Errorf("took %s: the VM was not stopped", res.Wall)
			}
		})
	}
}

// With Silence 0 only the outer deadline ends a silent guest.
func TestSilenceOff(t *testing.T) {
	fakeQEMU(t, "exec sleep 60")
	v := fakeVM(t, time.Second, 0)
	res := v.Run(context.Background())
	if !res.TimedOut || res.Stalled {
		t.Fatalf("result %+v, want TimedOut only", res)
	}
}
