package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/selftests"
	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// selftestsDir holds the kernel's own pidfd selftests of this kernel's
// version, when the runner appended them to the initramfs.
const selftestsDir = "/" + frame.SelftestsPath

// selftestPidMax bounds pid numbers while the selftests run. pidfd_test's
// recycled-pid case forks until the pid number it holds comes back, which
// with the default pid_max (32768) takes tens of thousands of forks, minutes
// under emulation; the case needs only pid_max > PID_RECYCLE (1000).
const selftestPidMax = 2048

// runSelftests runs the shipped selftests after the suites and streams
// their parsed results (and each program's log, for a disagreement's
// story). Nothing shipped, nothing sent: the host reports "not run".
func runSelftests(st *streamer, logf func(string, ...any)) {
	b, err := selftests.Load(selftestsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		logf("selftests: %v", err)
		st.send(frame.SelftestsError, []byte(err.Error()))
		return
	}
	if err := os.WriteFile("/proc/sys/kernel/pid_max", []byte(strconv.Itoa(selftestPidMax)), 0); err != nil {
		logf("selftests: pid_max stays as it is: %v", err)
	}
	scale, _ := strconv.ParseFloat(os.Getenv(kernel.TimeScaleEnv), 64)
	budget, err := time.ParseDuration(os.Getenv(kernel.SelftestTimeoutEnv))
	if err != nil {
		budget = 8 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	logf("selftests: %d programs of %s, %s at most", len(b.Programs), b.Release, budget)
	stop := heartbeat(logf, "selftests running")
	results := selftests.RunAll(ctx, b, scale)
	stop()
	for _, r := range results {
		logf("selftest %s: exit %d in %.1fs, %d cases", r.Program, r.ExitCode, r.Took.Seconds(), len(r.Cases))
		st.send(frame.SelftestsDir+r.Program+".log", r.Log)
	}
	st.send(frame.SelftestsResults, mustJSON(results))
	reapOrphans()
}

// heartbeat logs a line every 30 s until stopped: the runner reads a silent
// console as a stuck guest, and a selftest program may run for minutes
// printing only into its own log.
func heartbeat(logf func(string, ...any), what string) (stop func()) {
	done := make(chan struct{})
	start := time.Now()
	go func() {
		t := time.NewTicker(30 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				logf("%s (%.0fs)", what, time.Since(start).Seconds())
			}
		}
	}()
	return func() { close(done) }
}
