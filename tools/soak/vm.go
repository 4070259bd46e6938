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

// vmStage runs the smoke matrix (Debian's oldest and newest default
// kernels) o.vmN times and tallies every cell.
func vmStage(o options, t *tally) error {
	if _, err := os.Stat(o.runner); err != nil {
		return fmt.Errorf("runner %s: %v (make soak builds it)", o.runner, err)
	}
	if err := os.MkdirAll(filepath.Join(o.out, "vm"), 0o755); err != nil {
		return err
	}
	for i := 1; i <= o.vmN; i++ {
		out := filepath.Join(o.out, "vm", strconv.Itoa(i))
		cmd := exec.Command(o.runner, "matrix", "-smoke", "-selftests=false", "-out", out)
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
		fmt.Printf("  VM run %d/%d: exit %d (%s.log)\n", i, o.vmN, code, out)
		if code == 3 {
			return fmt.Errorf("the runner stopped with a setup error; see %s.log", out)
		}
		if err := tallyMatrix(t, filepath.Join(out, "latest", "matrix.json")); err != nil {
			t.note("VM run %d: exit %d, %v", i, code, err)
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
// failure of each (kernel, spec) cell; SKIP and XFAIL are neither.
func tallyMatrix(t *tally, path string) error {
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
				t.add("vm", spec, 1, 0)
			case "FAIL", "TIMEOUT", "MISS":
				t.add("vm", spec, 0, 1)
			}
		}
	}
	return nil
}
