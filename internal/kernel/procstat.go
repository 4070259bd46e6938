package kernel

import (
	"fmt"
	"os"
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
