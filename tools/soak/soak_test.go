package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"golang.org/x/sys/unix"
)

func TestTallySeparatesFlakesFromFailures(t *testing.T) {
	tl := newTally()
	report := []types.Report{{SpecReports: types.SpecReports{
		{LeafNodeType: types.NodeTypeIt, LeafNodeText: "steady", State: types.SpecStatePassed},
		{LeafNodeType: types.NodeTypeIt, LeafNodeText: "flaky", State: types.SpecStateFailed},
		{LeafNodeType: types.NodeTypeIt, LeafNodeText: "skipped", State: types.SpecStateSkipped},
	}}}
	// Failed on attempt 3: attempts 1 and 2 passed as a whole.
	tallyReport(tl, "native", "s", report, 3)
	// Failed on the first attempt: never passed.
	tallyReport(tl, "stressed", "s", report[:1:1], 1)
	tl.add("stressed", "s: broken", 0, 1)
	var out strings.Builder
	if !tl.print(&out) {
		t.Fatal("print reported nothing bad")
	}
	for _, want := range []string{"FLAKE    2 pass    1 fail  native | s: flaky", "FAIL     1 fail  stressed | s: broken", "flakes: 1 spec(s)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
	if c := tl.counts["native | s: steady"]; c == nil || c.pass != 3 {
		t.Errorf("steady: %+v, want 3 passes", c)
	}
	if _, ok := tl.counts["native | s: skipped"]; ok {
		t.Error("a skipped spec was tallied")
	}
}

func TestTallyMatrix(t *testing.T) {
	path := filepath.Join(t.TempDir(), "matrix.json")
	os.WriteFile(path, []byte(`{"rows":[{"suite":"open","text":"a","cells":{"k1":{"result":"PASS"},"k2":{"result":"MISS"}}},
		{"suite":"open","text":"b","cells":{"k1":{"result":"SKIP"}}}]}`), 0o644)
	tl := newTally()
	if err := tallyMatrix(tl, "vm", path); err != nil {
		t.Fatal(err)
	}
	if c := tl.counts["vm | k1 open: a"]; c == nil || c.pass != 1 {
		t.Errorf("k1: %+v", c)
	}
	if c := tl.counts["vm | k2 open: a"]; c == nil || c.fail != 1 {
		t.Errorf("k2 MISS not a failure: %+v", c)
	}
	if len(tl.counts) != 2 {
		t.Errorf("SKIP tallied: %v", tl.counts)
	}
}

// An orphaned grandchild is reparented to the subreaper and found; once it
// has exited and been reaped, nothing is left.
func TestLeakCheckFindsOrphans(t *testing.T) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Skip(err)
	}
	fds := baselineFDs()
	pidFile := filepath.Join(t.TempDir(), "pid")
	if out, err := exec.Command("sh", "-c", `sleep 30 >/dev/null 2>&1 & echo $! >`+pidFile).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	leaks := checkLeaks(fds)
	if len(leaks) != 1 || !strings.Contains(leaks[0], "process") || !strings.Contains(leaks[0], "sleep") {
		t.Fatalf("leaks %q, want the orphaned sleep", leaks)
	}
	b, _ := os.ReadFile(pidFile)
	pid := strings.TrimSpace(string(b))
	exec.Command("kill", pid).Run()
	deadline := time.Now().Add(5 * time.Second)
	for {
		leaks = checkLeaks(fds)
		if len(leaks) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still leaking after the kill: %q", leaks)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// vmStage reads each run's matrix through OUT/latest, as the runner lays
// it out; a spec that passes in one run and is MISS in another is a flake.
func TestVMStageTalliesEveryRun(t *testing.T) {
	dir := t.TempDir()
	runner := filepath.Join(dir, "pidfdconf-vm")
	// Run 1 passes, run 2 is MISS (exit 2), telling them apart by a counter file.
	script := `#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = -out ] && out=$2; shift; done
n=$(cat "` + dir + `/n" 2>/dev/null || echo 0); n=$((n+1)); echo $n >"` + dir + `/n"
r=PASS; [ $n = 2 ] && r=MISS
mkdir -p "$out/run"; ln -s run "$out/latest"
echo '{"rows":[{"suite":"open","text":"a","cells":{"k":{"result":"'$r'"}}}]}' >"$out/run/matrix.json"
[ $r = PASS ] || exit 2
`
	os.WriteFile(runner, []byte(script), 0o755)
	tl := newTally()
	if err := vmStage(options{vmN: 2, runner: runner, out: filepath.Join(dir, "out")}, tl); err != nil {
		t.Fatal(err)
	}
	if c := tl.counts["vm | k open: a"]; c == nil || c.pass != 1 || c.fail != 1 {
		t.Fatalf("counts %+v, want 1 pass and 1 fail", c)
	}
}

// The lsm-selinux column runs the runner on the SELinux kernel spec, once
// per run, and tallies under its own stage.
func TestSELinuxStageRunsTheColumn(t *testing.T) {
	dir := t.TempDir()
	runner := filepath.Join(dir, "pidfdconf-vm")
	script := `#!/bin/sh
echo "$@" >>"` + dir + `/args"
while [ $# -gt 0 ]; do [ "$1" = -out ] && out=$2; shift; done
mkdir -p "$out/run"; ln -s run "$out/latest"
echo '{"rows":[{"suite":"pidfs","text":"a","cells":{"k+lsm-selinux":{"result":"PASS"}}}]}' >"$out/run/matrix.json"
`
	os.WriteFile(runner, []byte(script), 0o755)
	tl := newTally()
	if err := selinuxStage(options{selinuxN: 2, runner: runner, out: filepath.Join(dir, "out")}, tl); err != nil {
		t.Fatal(err)
	}
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	if n := strings.Count(string(args), "-kernels "+selinuxKernel+" -selftests=false"); n != 2 {
		t.Errorf("runner calls %q, want 2 of the lsm-selinux column", args)
	}
	if c := tl.counts["vm-selinux | k+lsm-selinux pidfs: a"]; c == nil || c.pass != 2 {
		t.Errorf("counts %+v, want 2 passes", tl.counts)
	}
}
