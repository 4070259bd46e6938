package pidfs

import (
	"os"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/pidfs/roles"
)

// otherUserID is the uid and gid of the process unmappedTarget starts.
const otherUserID = 4242

// overflowID is the kernel's overflowuid or overflowgid (65534 unless
// changed): what an id without a mapping in a user namespace reads as.
func overflowID(name string) uint32 {
	GinkgoHelper()
	data, err := os.ReadFile("/proc/sys/kernel/" + name)
	Expect(err).NotTo(HaveOccurred())
	id, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 32)
	Expect(err).NotTo(HaveOccurred())
	return uint32(id)
}

// unmappedTarget is a pidfd of a process whose ids the user namespace
// AsRootInNewUserNS makes (one mapping: the test's ids) cannot map: as
// root, a helper that switched to otherUserID; unprivileged, pid 1 when
// its uid is not the test's.
func unmappedTarget(ctx SpecContext) int {
	GinkgoHelper()
	if os.Geteuid() == 0 {
		pidfd := helpers.StartChild(ctx, pidfsroles.OtherUser, []string{strconv.Itoa(otherUserID)}).Pidfd
		info, err := kernel.GetPidfdInfo(pidfd, unix.PIDFD_INFO_CREDS)
		Expect(err).NotTo(HaveOccurred())
		Expect([]uint32{info.Ruid, info.Rgid}).To(HaveEach(BeEquivalentTo(otherUserID)), "the helper's ids as the test sees them")
		return pidfd
	}
	return helpers.Pid1OfAnotherUser()
}

// infoAcrossUserNamespaces is the part of the PIDFD_GET_INFO Describe about
// user namespaces: credentials are reported as the caller's namespace sees
// them.
func infoAcrossUserNamespaces() {
	Context("when the caller is in a user namespace of its own", func() {
		var asker *helpers.Child
		BeforeEach(func(ctx SpecContext) {
			asker = helpers.StartChild(ctx, pidfsroles.InfoAsker, nil, helpers.AsRootInNewUserNS())
		})

		// Behavior: a caller that is root in its own user namespace (uid and gid 0 mapped to the
		//           test's) reads its own credentials through PIDFD_GET_INFO as 0: ids are mapped
		//           into the caller's namespace. Runs unprivileged as the selftests and LTP do.
		// Mirrors:  none (fs/pidfs.c pidfd_info: from_kuid_munged(current_user_ns(), ...))
		// Since:    v6.13
		It("reports credentials mapped into the caller's namespace", helpers.ID("reports_credentials_mapped_into_the_caller_namespace"), helpers.ManPidfs, func(ctx SpecContext) {
			r, err := asker.Call(ctx, "creds", asker.Pidfd)
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Fields).To(Equal([]string{"0", "0", "0", "0", "0", "0", "0", "0"}), "ruid euid suid fsuid rgid egid sgid fsgid")
		})

		// Behavior: credentials with no mapping in the caller's user namespace read as the
		//           overflow ids (/proc/sys/kernel/overflowuid and overflowgid, 65534 by default).
		// Mirrors:  none (fs/pidfs.c pidfd_info: from_kuid_munged gives overflowuid for an unmapped id)
		// Since:    v6.13
		It("reports unmapped credentials as the overflow ids", helpers.ID("reports_unmapped_credentials_as_the_overflow_ids"), helpers.ManPidfs, func(ctx SpecContext) {
			target := unmappedTarget(ctx)
			r, err := asker.Call(ctx, "creds", target)
			Expect(err).NotTo(HaveOccurred())
			uid, gid := strconv.Itoa(int(overflowID("overflowuid"))), strconv.Itoa(int(overflowID("overflowgid")))
			Expect(r.Fields).To(Equal([]string{uid, uid, uid, uid, gid, gid, gid, gid}), "ruid euid suid fsuid rgid egid sgid fsgid")
		})
	})
}
