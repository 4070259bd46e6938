package helpers

import (
	"github.com/onsi/gomega/types"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// ErrnoEra says which errno the kernel returns from mainline release Since
// on, and from which stable releases of older branches (Backports, such as
// "6.18.14": every 6.18.y from .14 on).
type ErrnoEra struct {
	Since     string
	Backports []string
	Errno     unix.Errno
}

// reachedBy reports whether a kernel of this version has the era's errno
// by its version alone: mainline since Since, or a stable branch at or past
// its backport.
func (e ErrnoEra) reachedBy(v kernel.KernelVersion) bool {
	if v.AtLeast(e.Since) {
		return true
	}
	for _, b := range e.Backports {
		bv := kernel.MustParseVersion(b)
		if v.Major == bv.Major && v.Minor == bv.Minor && !v.Less(bv) {
			return true
		}
	}
	return false
}

// ErrnoHistory lists, oldest first, the errnos one failure has had over time.
type ErrnoHistory []ErrnoEra

// Accepted is the errno of the running kernel's era plus every newer one:
// an older kernel may carry a backport of the newer errno, but never an
// errno from before its own era.
func (h ErrnoHistory) Accepted(running kernel.KernelVersion) []unix.Errno {
	first := 0
	for i, era := range h {
		if era.reachedBy(running) {
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
