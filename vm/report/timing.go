package report

import (
	"fmt"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// Timing says where a column's time went, in every report and in the
// runner's progress lines.
func Timing(kr *judge.KernelRun) string {
	if kr.Kernel.Spec.Kind == kernels.KindHost {
		return fmt.Sprintf("native: suites %s, wall %s", format.Duration(kr.Suite), format.Duration(kr.Wall))
	}
	t := fmt.Sprintf("boot %s, suites %s, VM wall %s (overhead beyond suites %s)",
		format.Duration(kr.Boot), format.Duration(kr.Suite), format.Duration(kr.Wall), format.Duration(kr.Wall-kr.Suite))
	if kr.Accel != "" {
		t += " under " + kr.Accel
	}
	if kr.SelftestWall > 0 {
		t += fmt.Sprintf("; the kernel's own selftests in a VM of their own %s", format.Duration(kr.SelftestWall))
		if kr.SelftestBootRetry != "" {
			t += " (booted twice: " + kr.SelftestBootRetry + ")"
		}
	}
	if kr.BootRetry != "" {
		t += "; booted twice: " + kr.BootRetry
	}
	return t
}
