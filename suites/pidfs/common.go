package pidfs

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// backing is the implementation behind this kernel's pidfds; a kernel that
// owes pidfs but lacks it fails here.
func backing() kernel.PidfdBacking {
	GinkgoHelper()
	fs, err := kernel.PidfdFilesystem(helpers.SelfPidfd())
	Expect(err).NotTo(HaveOccurred())
	b, err := kernel.Backing(fs, kernel.Kernel())
	Expect(err).NotTo(HaveOccurred())
	return b
}

// requireAnonInodes skips specs about the anon-inode pidfds of kernels
// before v6.9 on a kernel whose pidfds are on pidfs (backing fails a
// kernel that owes pidfs and lacks it). The behaviour ended with v6.8, so
// the skip is of the version class.
func requireAnonInodes() {
	GinkgoHelper()
	if got := backing(); got != kernel.AnonInodeBacking {
		helpers.SkipFor(outcome.OlderKernel, "this spec is about the anon-inode pidfds of kernels before v6.9; this kernel's (%s) are on %s", kernel.Kernel(), got)
	}
}
