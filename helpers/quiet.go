package helpers

import (
	"context"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// StaysQuiet polls fd for the quiet window and returns the events that came
// (0 means it stayed quiet, which the caller asserts).
func StaysQuiet(ctx context.Context, fd int) (int16, error) {
	deadline := time.Now().Add(QuietWindow())
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		revents, err := kernel.PollOnce(fd, min(time.Until(deadline), 50*time.Millisecond))
		if err != nil || revents != 0 {
			return revents, err
		}
	}
	return 0, nil
}
