package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// kselftestScript is present in a kselftest guest only: the runner's
// script that sets busybox up and runs run_kselftest.sh -c pidfdconf.
const kselftestScript = "/" + frame.KselftestScriptPath

// kselftestOutputCap bounds what /init keeps of run_kselftest.sh's stdout
// (a real run prints about 100 KB): the rest could not travel in a frame.
const kselftestOutputCap = 8 << 20

// runKselftest runs the kernel's kselftest runner through busybox's sh,
// as a lab's shell would, with the kernel's environment (the time scale
// from the command line) and nothing of the suites' (no role binary named,
// no PIDFDCONF_GUEST: a program finds what it needs as it does on a lab's
// machine). Its stdout goes to the host whole; its stderr, and a copy of
// stdout, to the console. Nothing shipped, nothing sent.
func runKselftest(st *streamer, console io.Writer, logf func(string, ...any)) {
	if _, err := os.Stat(kselftestScript); errors.Is(err, fs.ErrNotExist) {
		return
	}
	budget, err := time.ParseDuration(os.Getenv(frame.KselftestTimeoutEnv))
	if err != nil {
		budget = 15 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/"+frame.BusyboxPath, "sh", kselftestScript)
	cmd.Env = append(os.Environ(), "HOME=/tmp", "TMPDIR=/tmp", "PATH=/usr/sbin:/usr/bin:/sbin:/bin")
	out := &format.CappedBuffer{Max: kselftestOutputCap}
	cmd.Stdout = io.MultiWriter(out, console)
	cmd.Stderr = console
	// The runner's shells and every program they start go together when
	// the budget ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	logf("kselftest: run_kselftest.sh through busybox sh, %s at most", budget)
	stop := heartbeat(logf, "kselftest running")
	start := time.Now()
	err = cmd.Run()
	stop()
	run := frame.KselftestRun{Exit: -1, Seconds: time.Since(start).Seconds(), Truncated: out.Truncated}
	if cmd.ProcessState != nil {
		run.Exit = cmd.ProcessState.ExitCode() // -1 when a signal ended it
	}
	if ctx.Err() != nil {
		run.Error = "stopped at the guest's budget of " + budget.String()
	} else if run.Exit < 0 && err != nil {
		run.Error = err.Error()
	}
	logf("kselftest: exit %d in %.1fs %s", run.Exit, run.Seconds, run.Error)
	st.send(frame.KselftestOutput, out.Bytes())
	st.send(frame.KselftestEnd, mustJSON(run))
	reapOrphans()
}
