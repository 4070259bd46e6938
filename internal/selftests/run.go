package selftests

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/procgroup"
)

// DefaultTimeout is kselftest's per-program limit (kselftest/runner.sh
// kselftest_default_timeout); the pidfd directory has no `settings` file
// that raises it in any version up to 7.3.
const DefaultTimeout = 45 * time.Second

// slowPrograms get more than DefaultTimeout. pidfd_test's recycled-pid
// case forks until a pid number comes round again: 178 s natively on a
// loaded 2-core host, where 45 s kills it every time and loses that case
// (kselftest's runner would lose it too).
var slowPrograms = map[string]time.Duration{"pidfd_test": 300 * time.Second}

// ProgramRun is one program's run: its parsed output and how it ended.
type ProgramRun struct {
	Output
	ExitCode int           `json:"exit_code"` // -1 when killed
	TimedOut bool          `json:"timed_out,omitempty"`
	Took     time.Duration `json:"took_ns"`
	Log      []byte        `json:"-"` // stdout and stderr as written
}

// Load reads a build from its directory (a cache entry, or a copy of one in
// a guest's initramfs).
func Load(dir string) (*Build, error) { return loadBuild(dir) }

// RunAll runs every program of a build in turn. Each gets its Timeout
// multiplied by scale (for emulated guests; scale <= 0 means 1).
func RunAll(ctx context.Context, b *Build, scale float64) []ProgramRun {
	if scale <= 0 {
		scale = 1
	}
	// Quick programs first: a slow one (pidfd_test, whose recycled-pid case
	// forks ~32000 times where pid namespaces have their own pid_max, v6.14+)
	// must not use up a caller's deadline before the others ran.
	programs := slices.Clone(b.Programs)
	sort.SliceStable(programs, func(i, j int) bool { return b.Timeout(programs[i]) < b.Timeout(programs[j]) })
	var results []ProgramRun
	for _, p := range programs {
		timeout := time.Duration(float64(b.Timeout(p)) * scale)
		results = append(results, RunProgram(ctx, b.Path(p), timeout))
	}
	return results
}

// RunProgram runs one selftest program from its own directory (pidfd_info_test
// executes its helper pidfd_exec_helper from there) and parses its output.
// On timeout it kills the program's process group, as kselftest's runner
// does, and keeps the output up to then.
func RunProgram(ctx context.Context, path string, timeout time.Duration) ProgramRun {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var log bytes.Buffer
	cmd := procgroup.Command(ctx, path)
	cmd.Dir = filepath.Dir(path)
	cmd.Stdout, cmd.Stderr = &log, &log
	// Test children that outlive the program must not hold the run open.
	cmd.WaitDelay = 2 * time.Second
	start := time.Now()
	err := cmd.Run()
	r := ProgramRun{Took: time.Since(start), Log: log.Bytes(), ExitCode: -1}
	if cmd.ProcessState != nil {
		r.ExitCode = cmd.ProcessState.ExitCode()
	} else if err != nil {
		r.Log = append(r.Log, []byte("Bail out! cannot run: "+err.Error()+"\n")...)
	}
	r.Output = ParseKTAP(filepath.Base(path), r.Log)
	r.TimedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)
	return r
}

// Timeout is a program's time limit before scaling: the settings file's,
// else the longer of kselftest's default and what slowPrograms says.
func (b *Build) Timeout(program string) time.Duration {
	if b.SettingsTimeout > 0 {
		return b.SettingsTimeout
	}
	if t := slowPrograms[program]; t > DefaultTimeout {
		return t
	}
	return DefaultTimeout
}
