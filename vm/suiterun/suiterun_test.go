package suiterun

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeSuite writes a shell script standing in for a suite binary: it records
// its arguments and environment, writes a report unless told not to, and
// ends as the script body says.
func fakeSuite(t *testing.T, body string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fake.test")
	script := "#!/bin/sh\necho \"$@\" > args\necho \"$FAKE_ENV\" > env\n" + body + "\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

func TestRunCollectsExitAndReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fake")
	var out bytes.Buffer
	res := Run(context.Background(), Suite{
		Name: "fake", Bin: fakeSuite(t, "echo '[]' > report.json; echo hello; exit 3"),
		Dir: dir, Env: []string{"FAKE_ENV=set"}, Output: &out,
	})
	if res.Run.Suite != "fake" || res.Run.Exit != 3 || res.Run.Error != "" {
		t.Errorf("run: %+v", res.Run)
	}
	if string(res.Reports["fake"]) != "[]\n" || len(res.Reports) != 1 {
		t.Errorf("reports: %q", res.Reports)
	}
	if !strings.HasPrefix(out.String(), "# ") || !strings.Contains(out.String(), "hello") {
		t.Errorf("output: %q", out.String())
	}
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	want := strings.Join(Args(dir, DefaultTimeout, true), " ") + "\n"
	if string(args) != want || !strings.Contains(want, "-ginkgo.timeout=10m0s") || !strings.Contains(want, "-ginkgo.junit-report=") {
		t.Errorf("args %q, want %q", args, want)
	}
	if env, _ := os.ReadFile(filepath.Join(dir, "env")); string(env) != "set\n" {
		t.Errorf("env: %q", env)
	}
}

func TestRunPassesTheTimeout(t *testing.T) {
	dir := t.TempDir()
	Run(context.Background(), Suite{Name: "fake", Bin: fakeSuite(t, ""), Dir: dir, Timeout: 3 * time.Minute, Output: &bytes.Buffer{}})
	if args, _ := os.ReadFile(filepath.Join(dir, "args")); !strings.Contains(string(args), "-ginkgo.timeout=3m0s") {
		t.Errorf("args: %q", args)
	}
}

func TestTimerSlackReachesTheSuite(t *testing.T) {
	dir := t.TempDir()
	bin := fakeSuite(t, "cat /proc/self/timerslack_ns > slack")
	Run(context.Background(), Suite{Name: "fake", Bin: bin, Dir: dir, TimerSlack: 3 * time.Millisecond, Output: &bytes.Buffer{}})
	if slack, _ := os.ReadFile(filepath.Join(dir, "slack")); string(slack) != "3000000\n" {
		t.Errorf("the suite's timer slack: %q, want 3000000", slack)
	}
	Run(context.Background(), Suite{Name: "fake", Bin: bin, Dir: dir, Output: &bytes.Buffer{}})
	if slack, _ := os.ReadFile(filepath.Join(dir, "slack")); string(slack) == "3000000\n" || len(slack) == 0 {
		t.Errorf("without TimerSlack the suite's slack is %q: the runner's thread kept the last suite's", slack)
	}
}

func TestNoJUnitLeavesOnlyTheJSONReport(t *testing.T) {
	dir := t.TempDir()
	Run(context.Background(), Suite{Name: "fake", Bin: fakeSuite(t, ""), Dir: dir, NoJUnit: true, Output: &bytes.Buffer{}})
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	if strings.Contains(string(args), "junit") || !strings.Contains(string(args), "-ginkgo.json-report=") {
		t.Errorf("args: %q", args)
	}
}

func TestKilledSuiteHasNoExitCodeButACause(t *testing.T) {
	res := Run(context.Background(), Suite{Name: "fake", Bin: fakeSuite(t, "kill -9 $$"), Dir: t.TempDir(), Output: &bytes.Buffer{}})
	if res.Run.Exit != -1 || !strings.Contains(res.Run.Error, "killed") || len(res.Reports) != 0 {
		t.Errorf("%+v, reports %q", res.Run, res.Reports)
	}
}

func TestSuiteThatCannotStart(t *testing.T) {
	res := Run(context.Background(), Suite{Name: "fake", Bin: "/nonexistent/fake.test", Dir: t.TempDir(), Output: &bytes.Buffer{}})
	if res.Run.Exit != -1 || res.Run.Error == "" {
		t.Errorf("%+v", res.Run)
	}
}

func TestRunOfAGroupNamesItsSuitesAndReadsEachReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "open+poll")
	body := `for a in open poll; do mkdir -p $a; echo "[\"$a\"]" > $a/report.json; done`
	res := Run(context.Background(), Suite{
		Name: "open+poll", Bin: fakeSuite(t, body), Dir: dir, Areas: []string{"open", "poll", "setns"}, Output: &bytes.Buffer{},
	})
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	if !strings.HasPrefix(string(args), "open+poll+setns -ginkgo.json-report=") {
		t.Errorf("args: %q", args)
	}
	if string(res.Reports["open"]) != "[\"open\"]\n" || string(res.Reports["poll"]) != "[\"poll\"]\n" || len(res.Reports) != 2 {
		t.Errorf("reports: %q (setns wrote none)", res.Reports)
	}
}
