package boot

import (
	"context"
	"time"
)

// RunProbeUnderKVM is probeKVM with QEMU's user, for the external tests,
// which stand boottest's fake QEMU in for it; the probe's deadline is d.
func RunProbeUnderKVM(ctx context.Context, arch string, d time.Duration) error {
	defer func(old time.Duration) { probeTimeout = old }(probeTimeout)
	probeTimeout = d
	return probeKVM(ctx, arch, qemuCredential())
}
