package vm

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/suiterun"
)

// runNative runs the suite binaries directly on the host: the "host" column,
// with the same flags and reports as inside a VM.
func runNative(ctx context.Context, kr *KernelRun, bins []string, guestBin, roleBin string) {
	start := time.Now()
	kr.Info = hostInfo(ctx, guestBin)
	con, err := os.Create(filepath.Join(kr.Dir, "console.log"))
	if err != nil {
		kr.Miss = err.Error()
		return
	}
	defer con.Close()
	for _, bin := range bins {
		suite := strings.TrimSuffix(filepath.Base(bin), ".test")
		kr.Info.Suites = append(kr.Info.Suites, suite)
		res := suiterun.Run(ctx, suiterun.Suite{
			Name: suite, Bin: bin, Dir: filepath.Join(kr.Dir, "suites", suite), Output: con,
			Env: roleBinaryEnv(roleBin),
		})
		kr.addRun(res.Run)
		if res.Report == nil {
			kr.SuiteMiss[suite] = noReport(res.Run)
			continue
		}
		kr.addReport(suite, res.Report)
	}
	kr.Wall = time.Since(start)
	c, _ := os.ReadFile(con.Name())
	kr.ConsoleTail = tail(printable(string(c)), 25)
}

// hostInfo is what the guest would record about the running kernel.
func hostInfo(ctx context.Context, guestBin string) *frame.GuestInfo {
	info := &frame.GuestInfo{Release: hostRelease(), Machine: hostArch()}
	if b, err := os.ReadFile("/proc/cmdline"); err == nil {
		info.Cmdline = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/sys/kernel/security/lsm"); err == nil {
		info.LSMs = strings.Split(strings.TrimSpace(string(b)), ",")
	}
	info.Probes = hostProbes(ctx, guestBin)
	return info
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

// roleBinaryEnv names the role binary to the suites, when there is one.
func roleBinaryEnv(roleBin string) []string {
	if roleBin == "" {
		return nil
	}
	return []string{kernel.RoleBinaryEnv + "=" + roleBin}
}
