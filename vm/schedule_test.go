package vm

import (
	"testing"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// Jobs run longest first, by what they took last time: a long selftests VM
// started last would leave every other core idle while it runs alone.
func TestPlanStartsTheLongestJobsFirst(t *testing.T) {
	c := cache.Cache{Dir: t.TempDir()}
	col := func(name string, selftests bool) *column {
		kr := judge.NewKernelRun(&kernels.Kernel{Name: name})
		if selftests {
			kr.SelftestSource = "linux-source"
		}
		return &column{k: kr.Kernel, kr: kr}
	}
	cols := []*column{col("6.1", true), col("7.3", true), col("host", false)}
	saveTimings(c, map[string]time.Duration{
		"6.1 suites": 115 * time.Second, "6.1 selftests": 30 * time.Second,
		"7.3 suites": 180 * time.Second, "7.3 selftests": 230 * time.Second,
		"host suites": 70 * time.Second,
	})
	var got []string
	for _, j := range planJobs(c, cols) {
		got = append(got, j.key())
	}
	want := []string{"7.3 selftests", "7.3 suites", "6.1 suites", "host suites", "6.1 selftests"}
	if len(got) != len(want) {
		t.Fatalf("jobs %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("jobs %v, want %v", got, want)
		}
	}
	// Without a record, the kernel's selftests are taken for the longest.
	fresh := planJobs(cache.Cache{Dir: t.TempDir()}, cols)
	if !fresh[0].selftests || fresh[len(fresh)-1].selftests {
		t.Errorf("unmeasured plan starts with %s and ends with %s", fresh[0].key(), fresh[len(fresh)-1].key())
	}
}

// With -kselftest every booted column gets a kselftest job, the host
// (whose check is make test's) and an unbootable column none.
func TestPlanAddsKselftestJobsForBootedColumns(t *testing.T) {
	b := &builds{kselftest: &kselftestGuests{}}
	col := func(name string, kind kernels.SpecKind, unsupported string) *column {
		k := &kernels.Kernel{Name: name, Spec: kernels.KernelSpec{Kind: kind}, Unsupported: unsupported}
		return &column{k: k, b: b, kr: judge.NewKernelRun(k)}
	}
	cols := []*column{col("arm64", kernels.KindApt, ""), col("host", kernels.KindHost, ""), col("no-ia32", kernels.KindApt, "CONFIG_IA32_EMULATION is off")}
	var got []string
	for _, j := range planJobs(cache.Cache{Dir: t.TempDir()}, cols) {
		if j.kselftest {
			got = append(got, j.key())
		}
	}
	if len(got) != 1 || got[0] != "arm64 kselftest" {
		t.Errorf("kselftest jobs %v, want [arm64 kselftest]", got)
	}
}
