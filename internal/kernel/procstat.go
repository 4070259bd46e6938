package kernel

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ThreadState is the state letter of /proc/<pid>/task/<tid>/stat ("R",
// "S", "Z", …), or an error when the thread is gone or procfs is missing.
func ThreadState(pid, tid int) (string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/stat", pid, tid))
	if err != nil {
		return "", err
	}
	_, rest, ok := strings.Cut(string(data), ") ")
	if !ok || rest == "" {
		return "", fmt.Errorf("unparsable stat of %d/%d: %q", pid, tid, data)
	}
	return rest[:1], nil
}

// ErrNoStatusField is StatusField's error for a status file without the
// line: some lines exist only with a config option (NSpid: CONFIG_PID_NS).
var ErrNoStatusField = errors.New("no such line in the status file")

// StatusField is the value of the field line of /proc/<task>/status
// (task: a pid, "self", "<pid>/task/<tid>"), trimmed; an error when the
// file cannot be read, ErrNoStatusField when it has no such line.
func StatusField(task, field string) (string, error) { return ProcField(task, "status", field) }

// ProcField is StatusField for another file of /proc/<task> made of
// "Field: value" lines (smaps_rollup, say).
func ProcField(task, file, field string) (string, error) {
	path := "/proc/" + task + "/" + file
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("%w: %s has no %s line", ErrNoStatusField, path, field)
}

// TracerPid is the TracerPid line of /proc/<pid>/status: the pid of the
// process tracing pid, 0 when none does.
func TracerPid(pid int) (int, error) {
	v, err := StatusField(strconv.Itoa(pid), "TracerPid")
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(v)
}
