package boot

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/suiterun"
)

// Native is the "host" column: the suite binaries run directly on the
// running kernel, with the same flags as inside a VM.
type Native struct {
	Suites   []string // the suite binaries
	GuestBin string   // vm/guest, whose probe mode records the features
	RoleEnv  []string // names the role binaries to the suites (image.RoleBinaries.Environ)
	Dir      string   // the kernel's output directory: console.log, suites/<area>/
}

// Run runs every suite and returns what a guest would have streamed: the
// environment, each suite's run record and report, and the exit. A suite
// without a report leaves its report frame out, exactly as in a VM.
func (n Native) Run(ctx context.Context) (*frame.Stream, error) {
	con, err := os.Create(filepath.Join(n.Dir, "console.log"))
	if err != nil {
		return nil, err
	}
	defer con.Close()
	info := hostInfo(ctx, n.GuestBin)
	s := &frame.Stream{}
	for _, bin := range n.Suites {
		suite := strings.TrimSuffix(filepath.Base(bin), ".test")
		info.Suites = append(info.Suites, suite)
		res := suiterun.Run(ctx, suiterun.Suite{
			Name: suite, Bin: bin, Dir: filepath.Join(n.Dir, "suites", suite), Output: con,
			Env: n.RoleEnv,
		})
		run, _ := json.Marshal(res.Run)
		s.Frames = append(s.Frames, frame.Frame{Name: suite + "/" + frame.RunFile, Data: run})
		if report, ok := res.Reports[suite]; ok {
			s.Frames = append(s.Frames, frame.Frame{Name: suite + "/" + frame.ReportFile, Data: report})
		}
	}
	data, _ := json.Marshal(info)
	s.Frames = append([]frame.Frame{{Name: frame.InfoName, Data: data}}, s.Frames...)
	exit := 0
	s.Exit = &exit
	return s, nil
}

// hostInfo is what the guest would record about the running kernel.
func hostInfo(ctx context.Context, guestBin string) *frame.GuestInfo {
	info := &frame.GuestInfo{Release: kernels.HostRelease(), Machine: kernels.HostArch()}
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
