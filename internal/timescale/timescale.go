// Package timescale is how long the suites and their helper processes wait,
// stretched by PIDFDCONF_TIME_SCALE (the VM runner raises it under
// emulation). It has no Ginkgo, so the role binary's helpers wait exactly
// as long as the specs that talk to them.
package timescale

import (
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

var factor = sync.OnceValue(func() float64 {
	if f, err := strconv.ParseFloat(os.Getenv(kernel.TimeScaleEnv), 64); err == nil && f >= 1 {
		return f
	}
	return 1
})

// Scaled stretches d by PIDFDCONF_TIME_SCALE.
func Scaled(d time.Duration) time.Duration { return time.Duration(float64(d) * factor()) }

// QuietWindow is how long a spec watches for an event that must not happen.
func QuietWindow() time.Duration { return Scaled(200 * time.Millisecond) }

// EventTimeout bounds how long an event that must happen may take.
func EventTimeout() time.Duration { return Scaled(5 * time.Second) }

// SpecTimeout is every spec's SpecTimeout.
func SpecTimeout() time.Duration { return Scaled(30 * time.Second) }

// Count shrinks a repetition count by PIDFDCONF_TIME_SCALE (never below
// floor), so a loop under emulation takes about as long as natively.
func Count(n, floor int) int { return max(int(float64(n)/factor()), floor) }
