package report

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/kselftest"
)

func TestKTAPNamesFollowTheRule(t *testing.T) {
	cases := []struct {
		row  judge.Row
		want string
	}{
		{judge.Row{Suite: "open", Text: "pidfd_open(2) fails with EINVAL for an undefined flag bit 3", ID: "rejects_undefined_flag_bit_3"}, "pidfd.open.rejects_undefined_flag_bit_3"},
		{judge.Row{Suite: "open", Text: "pidfd_open(2) rejects undefined flag bit 3"}, "pidfd.open.pidfd_open_2_rejects_undefined_flag_bit_3"},
		{judge.Row{Suite: "open", Text: "[BeforeSuite]"}, "pidfd.open.beforesuite"},
		{judge.Row{Suite: "send_signal", Text: "  -- EPERM! --  "}, "pidfd.send_signal.eperm"},
		{judge.BootRow, "pidfd.runner.boot_kernel_ran_init_and_streamed_results"},
	}
	for _, c := range cases {
		if got := KTAPName(c.row); got != c.want {
			t.Errorf("KTAPName(%q) = %q, want %q", c.row.Key(), got, c.want)
		}
	}
	long := judge.Row{Suite: "open", Text: strings.Repeat("a very long spec text ", 10)}
	got := KTAPName(long)
	if len(got) > ktapNameMax || got != KTAPName(long) {
		t.Errorf("long name %q (%d chars) is not bounded and stable", got, len(got))
	}
	other := judge.Row{Suite: "open", Text: long.Text + "!!! but different"}
	if KTAPName(other) == got {
		t.Errorf("two long texts with one prefix share the name %q", got)
	}
}

func TestKTAPNameOfASpecSurvivesRewording(t *testing.T) {
	before := judge.Row{Suite: "signal", Text: "pidfd_send_signal(2) fails with EPERM", ID: "fails_with_eperm"}
	after := before
	after.Text = "pidfd_send_signal(2) from an unprivileged caller fails with EPERM"
	if KTAPName(before) != KTAPName(after) {
		t.Errorf("rewording renamed the test: %q became %q", KTAPName(before), KTAPName(after))
	}
}

// everyResult is a kernel column with one spec of every result, in two
// suites, and how many of them a KTAP parser must count as passed, failed
// and skipped.
func everyResult() (*judge.KernelRun, map[string]int) {
	kr := judge.NewKernelRun(&kernels.Kernel{Name: "7.3 #1", Describe: "a kernel # with hashes"})
	set := func(suite, text, id string, c judge.Cell) { kr.Set(judge.Row{Suite: suite, Text: text, ID: id}, c) }
	set("open", "passes", "passes", judge.Cell{Result: judge.PASS})
	set("open", "fails with EINVAL", "fails", judge.Cell{Result: judge.FAIL, Reason: "Expected\n    <int>: 0\nto equal EINVAL # really"})
	set("open", "skips", "skips", judge.Cell{Result: judge.SKIP, Reason: "requires PIDFD_THREAD (since v6.9)"})
	set("open", "is known to fail", "is_known_to_fail", judge.Cell{Result: judge.XFAIL, ID: "open-bit3", Reason: "Expected EINVAL"})
	set("wait", "passes again", "passes_again", judge.Cell{Result: judge.XPASS, ID: "stale"})
	set("wait", "hangs", "hangs", judge.Cell{Result: judge.TIMEOUT, Reason: "A spec timeout occurred"})
	set("wait", "passes", "passes", judge.Cell{Result: judge.PASS})  // same ID as in open: names differ by suite
	set("wait", "[BeforeSuite]", "", judge.Cell{Result: judge.FAIL}) // no spec, no ID: named by its text
	kr.SuiteMiss["poll"] = "no report (suite exited 2)"
	set("poll", "never ran", "never_ran", judge.Cell{Result: judge.MISS})
	// Boot PASS, PASS x2, XFAIL and XPASS are ok; FAIL x2, TIMEOUT and
	// MISS are not; the SKIP skipped.
	return kr, map[string]int{"passed": 5, "failed": 4, "skipped": 1}
}

func TestKTAPIsNestedWithDirectives(t *testing.T) {
	kr, _ := everyResult()
	got := KTAP(judge.NewMatrix("t", []*judge.KernelRun{kr}), kr)
	for _, want := range []string{
		"KTAP version 1\n# pidfdconf on 7.3 #1: a kernel # with hashes\n1..1\n    KTAP version 1\n    # Subtest: pidfd.kernel.7.3__1\n    1..4\n",
		"        # Subtest: pidfd.open\n",
		"        # FAIL: Expected <int>: 0 to equal EINVAL \\# really\n        not ok 1 pidfd.open.fails\n",
		"        ok 4 pidfd.open.skips # SKIP requires PIDFD_THREAD (since v6.9)\n",
		"        ok 2 pidfd.open.is_known_to_fail # XFAIL open-bit3\n",
		"        ok 4 pidfd.wait.passes_again # XPASS stale\n",
		"        # TIMEOUT: A spec timeout occurred\n        not ok 2 pidfd.wait.hangs # ERROR TIMEOUT\n",
		"        not ok 1 pidfd.poll.never_ran # ERROR MISS\n",
		"        not ok 1 pidfd.wait.beforesuite\n",
		"    not ok 1 pidfd.open\n",
		"    ok 4 pidfd.runner\nnot ok 1 pidfd.kernel.7.3__1\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("ktap lacks %q:\n%s", want, got)
		}
	}
}

// TestKTAPParsedByKernelParser feeds ktap.txt to the kernel's own KTAP
// parser (tools/testing/kunit/kunit_parser.py of a linux-source the runner
// cached) and compares its counts and names with ours.
func TestKTAPParsedByKernelParser(t *testing.T) {
	if testing.Short() {
		t.Skip("extracting the kernel's KTAP parser from a linux-source tarball takes ~20 s")
	}
	source := linuxSourceWithKunit()
	if source == "" {
		t.Skip("no linux-source with tools/testing/kunit: set PIDFDCONF_LINUX_SOURCE to a tree or linux-source-X.Y.tar.xz, or run a build: kernel once to fill " + filepath.Join(cache.DefaultDir(), "linux-source"))
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the kernel's KTAP parser is Python")
	}
	kr, want := everyResult()
	m := judge.NewMatrix("t", []*judge.KernelRun{kr})
	file := filepath.Join(t.TempDir(), "ktap.txt")
	if err := os.WriteFile(file, []byte(KTAP(m, kr)), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := image.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, filepath.Join(root, "tools/ktap/ktap_counts.py"), source, file).Output()
	if err != nil {
		t.Fatalf("kunit_parser: %v\n%s", err, out)
	}
	var got struct {
		Passed, Failed, Crashed, Skipped, Errors int
		Status                                   string
		Cases                                    []string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.Passed != want["passed"] || got.Failed != want["failed"] || got.Skipped != want["skipped"] || got.Crashed != 0 || got.Errors != 0 {
		t.Errorf("kunit_parser counted %s, want %v and no crash or parse error", out, want)
	}
	if got.Status != "FAILURE" {
		t.Errorf("kunit_parser status %s, want FAILURE", got.Status)
	}
	_, rows := ktapSuites(m)
	if n := len(got.Cases); n != len(m.Rows) {
		t.Errorf("kunit_parser found %d cases %v, the matrix has %d rows", n, got.Cases, len(m.Rows))
	}
	for _, name := range got.Cases {
		if !strings.HasPrefix(name, ktapPrefix+".") || strings.ContainsAny(name, " #") {
			t.Errorf("case name %q is not machine-friendly", name)
		}
	}
	if got.Cases[0] != rows["open"][0].name {
		t.Errorf("first case %q, want %q", got.Cases[0], rows["open"][0].name)
	}
}

// linuxSourceWithKunit is a linux source tree or tarball that has the
// kernel's KTAP parser: $PIDFDCONF_LINUX_SOURCE, else what the runner
// cached for build: kernels, unpacked trees first (no extraction).
func linuxSourceWithKunit() string {
	if s := os.Getenv("PIDFDCONF_LINUX_SOURCE"); s != "" {
		return s
	}
	c := cache.Cache{Dir: cache.DefaultDir()}
	if dirs, _ := filepath.Glob(filepath.Join(c.Dir, "linux-source", "*", "linux-source-*", "tools", "testing", "kunit", "kunit_parser.py")); len(dirs) > 0 {
		return filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(dirs[0]))))
	}
	// The newest parser: the one kernel CI runs today (older ones lack the
	// printer the script uses).
	return kselftest.NewestCachedSource(c)
}
