package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// selinuxKernel is the lsm-selinux column: Debian's 6.12 cloud kernel
// booted with SELinux enforcing Debian's reference policy, where the AVC
// specs of suites/pidfs run (vm/configs.go names the +lsm-selinux variant).
const selinuxKernel = "apt:linux-image-6.12.*-cloud-amd64+lsm-selinux"

// vmStage runs the smoke matrix (Debian's oldest and newest default
// kernels) o.vmN times and tallies every cell.
func vmStage(o options, t *tally) error { return matrixRuns(o, t, "vm", o.vmN, "-smoke") }

// selinuxStage runs the lsm-selinux column o.selinuxN times.
func selinuxStage(o options, t *tally) error {
	return matrixRuns(o, t, "vm-selinux", o.selinuxN, "-kernels", selinuxKernel)
}

// matrixRuns runs the runner's matrix with args n times, without the
// kernel's selftests, and tallies every cell under stage.
func matrixRuns(o options, t *tally, stage string, n int, args ...string) error {
	if _, err := os.Stat(o.runner); err != nil {
		return fmt.Errorf("runner %s: %v (make soak builds it)", o.runner, err)
	}
	if err := os.MkdirAll(filepath.Join(o.out, stage), 0o755); err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		out := filepath.Join(o.out, stage, strconv.Itoa(i))
		cmd := exec.Command(o.runner, append(append([]string{"matrix"}, args...), "-selftests=false", "-out", out)...)
		log, err := os.Create(out + ".log")
		if err != nil {
			return err
		}
		cmd.Stdout, cmd.Stderr = log, log
		runErr := cmd.Run()
		log.Close()
		var ee *exec.ExitError
		if runErr != nil && !errors.As(runErr, &ee) {
			return runErr
		}
		code := cmd.ProcessState.ExitCode()
		fmt.Printf("  %s run %d/%d: exit %d (%s.log)\n", stage, i, n, code, out)
		if code == 3 {
			return fmt.Errorf("the runner stopped with a setup error; see %s.log", out)
		}
		if err := tallyMatrix(t, stage, filepath.Join(out, "latest", "matrix.json")); err != nil {
			t.note("%s run %d: exit %d, %v", stage, i, code, err)
		}
	}
	return nil
}

// matrixJSON is the part of the runner's matrix.json the soak reads.
type matrixJSON struct {
	Rows []struct {
		Suite string                             `json:"suite"`
		Text  string                             `json:"text"`
		Cells map[string]struct{ Result string } `json:"cells"`
	} `json:"rows"`
}

// tallyMatrix counts PASS as a pass and FAIL, TIMEOUT and MISS as a
// failure of each (kernel, spec) cell under stage; SKIP and XFAIL are
// neither.
func tallyMatrix(t *tally, stage, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var m matrixJSON
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, r := range m.Rows {
		for kernel, c := range r.Cells {
			spec := kernel + " " + r.Suite + ": " + r.Text
			switch c.Result {
			case "PASS":
				t.add(stage, spec, 1, 0)
			case "FAIL", "TIMEOUT", "MISS":
				t.add(stage, spec, 0, 1)
			}
		}
	}
	return nil
}
