package helpers

import "github.com/pidfdconf/pidfdconf/internal/timescale"

// Windows and timeouts used across suites (internal/timescale, which the
// role binary's helpers share).
var (
	// QuietWindow is how long a spec watches for an event that must not happen.
	QuietWindow = timescale.QuietWindow
	// EventTimeout bounds how long an event that must happen may take.
	EventTimeout = timescale.EventTimeout
	// specTimeout is every spec's SpecTimeout.
	specTimeout = timescale.SpecTimeout
	// ScaledCount shrinks a repetition count by PIDFDCONF_TIME_SCALE (never
	// below floor), so a loop under emulation takes about as long as natively.
	ScaledCount = timescale.Count
)
