package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

// stressStage is the native stage again while stress-ng keeps every CPU and
// the disk busy: timing assumptions that hold only on an idle machine fail
// here.
func stressStage(o options, t *tally) error {
	if err := ensureStressNG(); err != nil {
		return err
	}
	cmd := exec.Command("stress-ng", "--cpu", strconv.Itoa(runtime.NumCPU()), "--io", "1", "--quiet")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting stress-ng: %w", err)
	}
	defer stopGroup(cmd)
	return nativeStage(o, t, "stressed")
}

// ensureStressNG installs stress-ng when root, else names the command.
func ensureStressNG() error {
	if _, err := exec.LookPath("stress-ng"); err == nil {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("stress-ng not found: run `sudo apt-get install -y stress-ng`")
	}
	fmt.Println("  installing stress-ng")
	install := exec.Command("apt-get", "install", "-y", "--no-install-recommends", "stress-ng")
	install.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := install.CombinedOutput(); err != nil {
		return fmt.Errorf("`apt-get install -y stress-ng` failed: %v\n%s", err, out)
	}
	return nil
}

// stopGroup ends cmd's process group (stress-ng forks its workers) and
// reaps cmd.
func stopGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}
