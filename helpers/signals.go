package helpers

import (
	"context"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"
)

// CaughtSignals asks a RoleProcess helper which of RecordedSignals it caught.
// It first sends MarkerSignal through the helper's own pidfd: signals are
// dequeued lowest number first and every recorded signal is below the
// marker or queued before it, so anything sent earlier is in the answer.
func CaughtSignals(ctx context.Context, c *Child) []unix.Signal {
	GinkgoHelper()
	Expect(unix.PidfdSendSignal(c.Pidfd, MarkerSignal, nil, 0)).To(Succeed())
	r := c.MustCall(ctx, "signals")
	var got []unix.Signal
	for _, f := range r.Fields {
		n, _ := strconv.Atoi(f)
		got = append(got, unix.Signal(n))
	}
	return got
}
