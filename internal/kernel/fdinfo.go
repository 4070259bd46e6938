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

// probeFdinfoReaped: since v5.5 a pidfd's fdinfo shows Pid -1 once the
// process has been reaped (kernel/fork.c pidfd_show_fdinfo checks
// pid_has_task; the same release added NSpid); before, it kept showing the
// freed number.
func probeFdinfoReaped() error {
	p, err := startProbeChild(nil)
	if err != nil {
		return err
	}
	defer p.close()
	p.reap()
	if p.pidfd < 0 {
		return fmt.Errorf("no pidfd for the probe child")
	}
	info, err := Fdinfo(p.pidfd)
	if err != nil {
		return err
	}
	if info["Pid"] != "-1" {
		return fmt.Errorf("the fdinfo of a reaped child's pidfd shows Pid %q, not -1", info["Pid"])
	}
	return nil
}
