package vm

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// runNative runs the suite binaries directly on the host: the "host" column,
// with the same flags and reports as inside a VM.
func runNative(ctx context.Context, kr *KernelRun, bins []string, guestBin string) {
	start := time.Now()
	kr.Info = &frame.GuestInfo{Release: hostRelease(), Machine: hostArch()}
	if b, err := os.ReadFile("/proc/cmdline"); err == nil {
		kr.Info.Cmdline = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/sys/kernel/security/lsm"); err == nil {
		kr.Info.LSMs = strings.Split(strings.TrimSpace(string(b)), ",")
	}
	kr.Info.Probes = hostProbes(ctx, guestBin)
	con, err := os.Create(filepath.Join(kr.Dir, "console.log"))
	if err != nil {
		kr.Miss = err.Error()
		return
	}
	defer con.Close()
	for _, bin := range bins {
		suite := strings.TrimSuffix(filepath.Base(bin), ".test")
		kr.Info.Suites = append(kr.Info.Suites, suite)
		dir := filepath.Join(kr.Dir, "suites", suite)
		_ = os.MkdirAll(dir, 0o755)
		report := filepath.Join(dir, frame.ReportFile)
		cmd := exec.CommandContext(ctx, bin,
			"-ginkgo.json-report="+report,
			"-ginkgo.junit-report="+filepath.Join(dir, frame.JUnitFile),
			"-ginkgo.timeout=10m", "-ginkgo.fail-on-empty", "-ginkgo.no-color")
		cmd.Dir = dir
		cmd.Stdout, cmd.Stderr = con, con
		fmt.Fprintf(con, "# %s\n", strings.Join(cmd.Args, " "))
		t := time.Now()
		err := cmd.Run()
		run := frame.SuiteRun{Suite: suite, Seconds: time.Since(t).Seconds()}
		if err != nil {
			run.Exit = -1
			if ee, ok := err.(*exec.ExitError); ok {
				run.Exit = ee.ExitCode()
			} else {
				run.Error = err.Error()
			}
		}
		kr.Runs = append(kr.Runs, run)
		kr.Suite += time.Since(t)
		data, err := os.ReadFile(report)
		if err != nil {
			kr.SuiteMiss[suite] = strings.TrimSpace(fmt.Sprintf("no report (suite exited %d) %s", run.Exit, run.Error))
			continue
		}
		if err := kr.AddReport(suite, data); err != nil {
			kr.SuiteMiss[suite] = err.Error()
		}
	}
	kr.Wall = time.Since(start)
	c, _ := os.ReadFile(con.Name())
	kr.ConsoleTail = tail(printable(string(c)), 25)
}

// hostProbes runs the guest binary in probe mode: the same feature probes
// as inside a VM, from the same binary.
func hostProbes(ctx context.Context, guestBin string) []kernel.ProbeResult {
	if guestBin == "" {
		return nil
	}
	out, err := exec.CommandContext(ctx, guestBin, "probe").Output()
	if err != nil {
		return []kernel.ProbeResult{{Name: "probes", Detail: "probe run failed: " + err.Error()}}
	}
	var ps []kernel.ProbeResult
	if err := json.Unmarshal(out, &ps); err != nil {
		return []kernel.ProbeResult{{Name: "probes", Detail: "unreadable probe output: " + err.Error()}}
	}
	return ps
}
