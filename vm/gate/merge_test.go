package gate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/report"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// shardedKernels are four columns with something for the merge to get
// wrong: an LSM group split across shards with one verdict that differs, a
// spec only one kernel reports, a kernel that did not boot.
func shardedKernels(t *testing.T) []*judge.KernelRun {
	pass := judgetest.Spec("passes", 1, types.SpecStatePassed, "")
	fail := judgetest.Spec("fails under selinux", 2, types.SpecStateFailed, "Expected EPERM")
	passToo := judgetest.Spec("fails under selinux", 2, types.SpecStatePassed, "")
	only := judgetest.Spec("only on 6.12", 3, types.SpecStateSkipped, "needs 6.12")
	dead := judge.NewKernelRun(&kernels.Kernel{Name: "7.3", Spec: kernels.KernelSpec{Raw: "apt:7.3", Kind: kernels.KindApt}})
	dead.Miss = "kernel died: Kernel panic"
	emulated := judgetest.Column(t, "6.12", "", pass, passToo, only)
	emulated.Accel, emulated.AccelWhy = "TCG", "no /dev/kvm"
	emulated.BootRetry, emulated.SelftestBootRetry = "kernel died before /init: int3", "kernel hung before /init"
	return []*judge.KernelRun{
		judgetest.Column(t, "lsm-none", "lsm", pass, passToo),
		judgetest.Column(t, "lsm-selinux", "lsm", pass, fail),
		emulated,
		dead,
	}
}

// writeRun writes runs as a finished run would, into a directory of its own.
func writeRun(t *testing.T, runs []*judge.KernelRun) (string, *judge.Matrix) {
	t.Helper()
	dir := t.TempDir()
	for _, kr := range runs {
		kr.Dir = filepath.Join(dir, kernels.SafeName(kr.Kernel.Name))
		if err := os.MkdirAll(kr.Dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	m := judge.NewMatrix("shard", runs)
	if err := report.Write(m, dir); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "matrix.json"), m
}

func rowsJSON(t *testing.T, m *judge.Matrix) string {
	t.Helper()
	b, err := json.Marshal(report.JSON(m).Rows)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMergedShardsEqualOneRun(t *testing.T) {
	_, whole := writeRun(t, shardedKernels(t))
	all := shardedKernels(t)
	var specs []kernels.KernelSpec
	for i := range all {
		specs = append(specs, kernels.KernelSpec{Raw: all[i].Kernel.Name})
	}
	var paths []string
	for i := 1; i <= 3; i++ {
		var runs []*judge.KernelRun
		for _, s := range (Shard{I: i, N: 3}).Select(specs) {
			for _, kr := range all {
				if kr.Kernel.Name == s.Raw {
					runs = append(runs, kr)
				}
			}
		}
		p, _ := writeRun(t, runs)
		paths = append(paths, p)
	}
	merged, err := Merge(paths)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := WriteMerged(merged, out); err != nil {
		t.Fatal(err)
	}
	if got, want := rowsJSON(t, merged), rowsJSON(t, whole); got != want {
		t.Errorf("merged rows differ from one run:\n got %s\nwant %s", got, want)
	}
	// How each column ran (its accelerator, a second boot) survives too.
	wholeJSON := map[string]report.KernelJSON{}
	for _, jk := range report.JSON(whole).Kernels {
		wholeJSON[jk.Name] = jk
	}
	for _, jk := range report.JSON(merged).Kernels {
		want := wholeJSON[jk.Name]
		if jk.Accel != want.Accel || jk.AccelWhy != want.AccelWhy || jk.BootRetry != want.BootRetry || jk.SelftestRetry != want.SelftestRetry {
			t.Errorf("%s: merged %q %q %q %q, one run's %q %q %q %q", jk.Name, jk.Accel, jk.AccelWhy, jk.BootRetry, jk.SelftestRetry,
				want.Accel, want.AccelWhy, want.BootRetry, want.SelftestRetry)
		}
	}
	if jk := wholeJSON["6.12"]; jk.Accel != "TCG" || jk.SelftestRetry == "" {
		t.Errorf("6.12's report: accelerator %q, selftests' boot retry %q", jk.Accel, jk.SelftestRetry)
	}
	for _, kr := range merged.Kernels {
		if kr.Kernel.Name == "6.12" && !strings.Contains(report.Timing(kr), " under TCG; booted twice: kernel died") {
			t.Errorf("6.12's timing line %q does not say it ran under TCG and booted twice", report.Timing(kr))
		}
	}
	if merged.ExitCode() != whole.ExitCode() || whole.ExitCode() != judge.ExitFail {
		t.Errorf("exit codes: merged %d, one run %d, want %d", merged.ExitCode(), whole.ExitCode(), judge.ExitFail)
	}
	for _, f := range []string{"matrix.txt", "matrix.md", "matrix.json", "matrix.html", "junit.xml", "lsm-selinux/ktap.txt", "lsm-selinux/report.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := Merge([]string{paths[0], paths[0]}); !setup.IsError(err) {
		t.Errorf("merging a shard with itself: %v, want a setup error", err)
	}
}

func TestShardsPartitionTheColumns(t *testing.T) {
	specs := []kernels.KernelSpec{{Raw: "a"}, {Raw: "b"}, {Raw: "c"}, {Raw: "d"}, {Raw: "e"}}
	seen := map[string]int{}
	for i := 1; i <= 2; i++ {
		for _, s := range (Shard{I: i, N: 2}).Select(specs) {
			seen[s.Raw]++
		}
	}
	if len(seen) != len(specs) {
		t.Errorf("shards cover %v, want every column once", seen)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("column %s in %d shards", k, n)
		}
	}
	for _, bad := range []string{"0/2", "3/2", "1", "a/b", "1/0"} {
		if _, err := ParseShard(bad); !setup.IsError(err) {
			t.Errorf("ParseShard(%q) = %v, want a setup error", bad, err)
		}
	}
}

// A shard's accelerator is one of two words: anything else is a shard
// that did not come from a run.
func TestMergeRefusesAnUnknownAccelerator(t *testing.T) {
	path, _ := writeRun(t, shardedKernels(t))
	var m map[string]any
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["kernels"].([]any)[0].(map[string]any)["accelerator"] = "KVM; but emulated"
	b, _ = json.Marshal(m)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge([]string{path}); !setup.IsError(err) || !strings.Contains(err.Error(), "accelerator") {
		t.Errorf("a shard whose accelerator is %q: %v, want a setup error naming the field", "KVM; but emulated", err)
	}
}
