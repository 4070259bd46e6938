package helpers

import (
	"github.com/onsi/gomega/types"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// ErrnoEra says which errno the kernel returns from Since on.
type ErrnoEra struct {
	Since string
	Errno unix.Errno
}

// ErrnoHistory lists, oldest first, the errnos one failure has had over time.
type ErrnoHistory []ErrnoEra

// Accepted is the errno of the running kernel's era plus every newer one:
// an older kernel may carry a backport of the newer errno, but never an
// errno from before its own era.
func (h ErrnoHistory) Accepted(running kernel.KernelVersion) []unix.Errno {
	first := 0
	for i, era := range h {
		if running.AtLeast(era.Since) {
			first = i
		}
	}
	out := make([]unix.Errno, 0, len(h)-first)
	for _, era := range h[first:] {
		out = append(out, era.Errno)
	}
	return out
}

// Matcher is BeErrno over the errnos the running kernel may return.
func (h ErrnoHistory) Matcher() types.GomegaMatcher {
	accepted := h.Accepted(kernel.Kernel())
	return BeErrno(accepted[0], accepted[1:]...)
}
