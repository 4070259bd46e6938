package kernel

import (
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

// TracerPid is the TracerPid line of /proc/<pid>/status: the pid of the
// process tracing pid, 0 when none does.
func TracerPid(pid int) (int, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "TracerPid:"); ok {
			return strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no TracerPid line", pid)
}
