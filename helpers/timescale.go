package helpers

import (
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

var timeScale = sync.OnceValue(func() float64 {
	if f, err := strconv.ParseFloat(os.Getenv(kernel.TimeScaleEnv), 64); err == nil && f >= 1 {
		return f
	}
	return 1
})

// scaled stretches d by PIDFDCONF_TIME_SCALE.
func scaled(d time.Duration) time.Duration { return time.Duration(float64(d) * timeScale()) }

// Windows and timeouts used across suites.
var (
	// QuietWindow is how long a spec watches for an event that must not happen.
	QuietWindow = func() time.Duration { return scaled(200 * time.Millisecond) }
	// EventTimeout bounds how long an event that must happen may take.
	EventTimeout = func() time.Duration { return scaled(5 * time.Second) }
	// specTimeout is every spec's SpecTimeout.
	specTimeout = func() time.Duration { return scaled(30 * time.Second) }
)

// ScaledCount shrinks a repetition count by PIDFDCONF_TIME_SCALE (never
// below floor), so a loop under emulation takes about as long as natively.
func ScaledCount(n, floor int) int { return max(int(float64(n)/timeScale()), floor) }
