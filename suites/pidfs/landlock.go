package pidfs

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/pidfs/roles"
)

var _ = area.Describe("pidfds under a Landlock ruleset that grants no filesystem access", helpers.FsPidfs, helpers.NeedsLandlock, func() {
	var results map[string]string

	BeforeEach(func(ctx SpecContext) {
		helpers.RequireFeature(kernel.PidfdOpen, kernel.PidfdGetfd, kernel.Landlock)
		AddReportEntry("active LSMs", kernel.ActiveLSMs())
		confined := helpers.StartChild(ctx, pidfsroles.Landlocked, nil)
		answer := confined.Recv(ctx)
		Expect(answer).To(HavePrefix("ok "), "the confined helper")
		results = map[string]string{}
		for _, kv := range strings.Split(strings.TrimPrefix(answer, "ok "), ";") {
			op, result, _ := strings.Cut(kv, "=")
			results[op] = result
		}
	})

	// Behavior: the ruleset really confines the helper: opening a file fails
	//           with EACCES (the control that makes the other specs meaningful).
	// Mirrors:  none
	// Since:    v5.13
	It("denies opening a file with EACCES", helpers.ID("denies_opening_a_file_with_eacces"), helpers.ManPidfs, func() {
		Expect(results).To(HaveKeyWithValue("open file", "EACCES"))
	})

	// Behavior: pidfd creation and use are not subject to Landlock's file-open mediation: pidfd_open,
	//           poll, pidfd_send_signal and pidfd_getfd of a pipe succeed in the confined helper.
	// Mirrors:  none (pidfs inodes are S_PRIVATE, outside LSM file mediation, like anon inodes)
	// Since:    v5.13
	DescribeTable("leaves the pidfd operation allowed",
		func(op string) { Expect(results).To(HaveKeyWithValue(op, "success")) },
		Entry("pidfd_open", helpers.ID("leaves_the_pidfd_operation_allowed_pidfd_open"), helpers.ManPidfdOpen, "pidfd_open"),
		Entry("poll", helpers.ID("leaves_the_pidfd_operation_allowed_poll"), helpers.ManPidfs, "poll"),
		Entry("pidfd_send_signal", helpers.ID("leaves_the_pidfd_operation_allowed_pidfd_send_signal"), helpers.ManPidfdSendSignal, "pidfd_send_signal"),
		Entry("pidfd_getfd", helpers.ID("leaves_the_pidfd_operation_allowed_pidfd_getfd"), helpers.ManPidfdGetfd, "pidfd_getfd"),
	)
})
