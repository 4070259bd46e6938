package pidfs_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
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

// requireBacking skips specs about the other implementation's contract.
func requireBacking(want kernel.PidfdBacking) {
	GinkgoHelper()
	if got := backing(); got != want {
		Skip("this spec is about " + want.String() + " pidfds; this kernel's pidfds are on " + got.String())
	}
}
