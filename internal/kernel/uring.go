package kernel

import (
	"fmt"

	"github.com/pidfdconf/pidfdconf/internal/uring"
)

// probeUringWaitid asks a ring whether the kernel knows IORING_OP_WAITID.
// Where the io_uring_disabled sysctl refuses rings the probe fails with
// EPERM: specs check that sysctl before they require the feature.
func probeUringWaitid() error {
	r, err := uring.Setup(1)
	if err != nil {
		return err
	}
	defer r.Close()
	ok, err := r.Supports(uring.OpWaitid)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("IORING_REGISTER_PROBE: opcode %d (IORING_OP_WAITID) is not supported", uring.OpWaitid)
	}
	return nil
}
