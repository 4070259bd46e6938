package kernel

import (
	"fmt"
	"os"
	"strings"
)

// Fdinfo reads /proc/self/fdinfo/<fd> into key → value ("Pid" → "1234",
// "NSpid" → "1234\t1").
func Fdinfo(fd int) (map[string]string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", fd))
	if err != nil {
		return nil, err
	}
	return ParseFdinfo(string(data)), nil
}

// ParseFdinfo splits fdinfo text into fields; values keep their tabs.
func ParseFdinfo(text string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			out[k] = strings.TrimLeft(v, " \t")
		}
	}
	return out
}
