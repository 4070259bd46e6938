package pidfs_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

var _ = Describe("pidfs", helpers.FsPidfs, func() {
	Context("on pidfs on a 32-bit kernel", func() {
		BeforeEach(func() {
			helpers.RequireFeature(kernel.PidfdOpen)
			requireBacking(kernel.PidfsBacking)
			if !kernel.Is32BitBuild() {
				Skip("64-bit kernels keep the whole inode number in st_ino; \"never gives a new task an inode number seen before\" covers them")
			}
			helpers.RequireFeature(kernel.PidfsGetversion)
		})

		// Behavior: on 32-bit kernels st_ino holds the lower 32 bits of pidfs's 64-bit inode counter and FS_IOC_GETVERSION the upper 32 (the generation): generation<<32|st_ino only grows from task to task, so no pair repeats.
		// Mirrors:  none (fs/pidfs.c pidfs_ino/pidfs_gen, v6.14; 32-bit kernels before v6.14 reused inode numbers from an IDA)
		// Since:    v6.14
		It("never gives a new task a generation and inode number pair seen before", helpers.ManPidfs, func() {
			threads := helpers.ScaledCount(1000, 200)
			processes := helpers.ScaledCount(10, 5)
			AddReportEntry("tasks", fmt.Sprintf("%d threads, %d processes", threads, processes))
			last, err := kernel.PidfsID(helpers.SelfPidfd())
			Expect(err).NotTo(HaveOccurred())
			ids, err := kernel.ThreadPidfdStamps(threads, kernel.PidfsID)
			if err == kernel.ErrNoRawClone {
				Skip(err.Error())
			}
			Expect(err).NotTo(HaveOccurred())
			for range processes {
				b := helpers.StartBlocked()
				id, err := kernel.PidfsID(b.Pidfd)
				Expect(err).NotTo(HaveOccurred())
				ids = append(ids, id)
				b.Kill()
			}
			for i, id := range ids {
				Expect(id).To(BeNumerically(">", last), "task %d of %d", i, len(ids))
				last = id
			}
		})
	})
})
