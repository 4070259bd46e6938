package kernel

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// ErrnoName is "EINVAL", or "success" for a nil error.
func ErrnoName(err error) string {
	if err == nil {
		return "success"
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		if name := unix.ErrnoName(errno); name != "" {
			return name
		}
		return fmt.Sprintf("errno %d", int(errno))
	}
	return "non-errno error: " + err.Error()
}
