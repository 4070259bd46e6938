package uring

import (
	"os"
	"strconv"
	"strings"
)

// DisabledSysctl is kernel.io_uring_disabled (v6.6): 0 allows io_uring to
// everyone, 1 only to CAP_SYS_ADMIN and the members of kernel.io_uring_group,
// 2 to no one. ok is false where the sysctl does not exist or /proc/sys
// cannot be read.
func DisabledSysctl() (value int, ok bool) {
	data, err := os.ReadFile("/proc/sys/kernel/io_uring_disabled")
	if err != nil {
		return 0, false
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(data)))
	return v, err == nil
}
