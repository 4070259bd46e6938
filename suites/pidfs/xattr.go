package pidfs

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// trusted.* extended attributes of pidfds, state by state: what is read
// back is compared with what was written.
//
//	state of the process            outcome                          spec
//	live                            set, get, list, remove           keeps_ten_trusted_attributes_apart, removes_a_trusted_attribute
//	zombie, last pidfd closed       kept with the struct pid         keeps_trusted_attribute_after_last_pidfd_to_zombie_is_closed
//	reaped, the pidfd held          –                                not tried: no contract (pidfs keeps the attributes with
//	                                                                 the struct pid until it is freed)
//	reaped and forgotten            –                                nothing to ask through
//	XATTR_CREATE, XATTR_REPLACE,    created / EEXIST, replaced /     xattr_create_of_a_new_name_succeeds, xattr_create_of_an_existing_name_fails_with_eexist,
//	  each on a new and an          ENODATA, and the value read back xattr_replace_of_an_existing_name_succeeds, xattr_replace_of_a_missing_name_fails_with_enodata
//	  existing name
//	user.* names                    EOPNOTSUPP                       refuses_user_attributes_with_eopnotsupp

// testAttribute is the trusted.* attribute the single-attribute specs use.
const testAttribute = "trusted.pidfdconf"

// pidfdWithAttribute is the pidfd of a new blocked child with the attribute
// name set to "value".
func pidfdWithAttribute(name string) int {
	GinkgoHelper()
	fd := helpers.StartBlocked().Pidfd
	Expect(unix.Fsetxattr(fd, name, []byte("value"), 0)).To(Succeed())
	return fd
}

var _ = area.Describe("extended attributes of pidfds", helpers.SyscallXattr, helpers.NeedsRoot, func() {
	BeforeEach(func() {
		helpers.RequireRoot("trusted.* extended attributes")
		helpers.RequireFeature(kernel.PidfsXattrs)
	})

	// Behavior: ten trusted.* attributes set on one pidfd each read back with their own value
	//           and length, all ten are listed, and each is gone (ENODATA) once removed.
	// Mirrors:  pidfd_xattr_test.c pidfs_xattr.set_get_list_xattr_multiple (v6.17 selftest)
	// Since:    v6.17
	It("keeps ten trusted.* attributes apart", helpers.ID("keeps_ten_trusted_attributes_apart"), helpers.SelftestPidfdXattr, func() {
		fd := helpers.StartBlocked().Pidfd
		for i := range 10 {
			Expect(unix.Fsetxattr(fd, fmt.Sprintf("trusted.testattr%d", i), []byte(fmt.Sprintf("testvalue%d", i)), 0)).To(Succeed())
		}
		buf := make([]byte, 512)
		for i := range 10 {
			n, err := unix.Fgetxattr(fd, fmt.Sprintf("trusted.testattr%d", i), buf)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(buf[:n])).To(Equal(fmt.Sprintf("testvalue%d", i)))
		}
		n, err := unix.Flistxattr(fd, buf)
		Expect(err).NotTo(HaveOccurred())
		listed := strings.Split(strings.TrimSuffix(string(buf[:n]), "\x00"), "\x00")
		for i := range 10 {
			Expect(listed).To(ContainElement(fmt.Sprintf("trusted.testattr%d", i)))
		}
		for i := range 10 {
			name := fmt.Sprintf("trusted.testattr%d", i)
			Expect(unix.Fremovexattr(fd, name)).To(Succeed())
			_, err := unix.Fgetxattr(fd, name, buf)
			Expect(err).To(helpers.BeErrno(unix.ENODATA), name)
		}
	})

	// Behavior: a trusted.* attribute lives on the process (struct pid), not the pidfd: after
	//           the only pidfd to a zombie is closed, a new pidfd_open(2) reads and lists it.
	// Mirrors:  pidfd_xattr_test.c pidfs_xattr.set_get_list_xattr_persistent (v6.17 selftest)
	// Since:    v6.17
	It("keeps a trusted.* attribute after the last pidfd to a zombie is closed", helpers.ID("keeps_trusted_attribute_after_last_pidfd_to_zombie_is_closed"), helpers.SelftestPidfdXattr, func(ctx SpecContext) {
		pid := helpers.StartBlockedPid()
		fd, err := unix.PidfdOpen(pid, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)).To(Succeed())
		_, err = kernel.WaitReadable(ctx, fd, helpers.EventTimeout())
		Expect(err).NotTo(HaveOccurred())
		Expect(unix.Fsetxattr(fd, "trusted.persistent", []byte("persistent value"), 0)).To(Succeed())
		Expect(unix.Close(fd)).To(Succeed())

		fd = helpers.OpenPidfd(pid, 0)
		buf := make([]byte, 128)
		n, err := unix.Fgetxattr(fd, "trusted.persistent", buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(buf[:n])).To(Equal("persistent value"))
		n, err = unix.Flistxattr(fd, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(buf[:n])).To(Equal("trusted.persistent\x00"))
	})
	// Behavior: a removed trusted.* attribute is gone: fgetxattr(2) fails with ENODATA.
	// Mirrors:  pidfd_xattr_test.c pidfs_xattr.set_get_list_xattr_multiple
	//           (its removal step, for one attribute; v6.17 selftest)
	// Since:    v6.17
	It("removes a trusted.* attribute", helpers.ID("removes_a_trusted_attribute"), helpers.SelftestPidfdXattr, func() {
		fd := pidfdWithAttribute(testAttribute)
		Expect(unix.Fremovexattr(fd, testAttribute)).To(Succeed())
		_, err := unix.Fgetxattr(fd, testAttribute, make([]byte, 64))
		Expect(err).To(helpers.BeErrno(unix.ENODATA))
	})

	// XATTR_CREATE and XATTR_REPLACE each tried both ways, on a pidfd that
	// already carries testAttribute (so the pid's attribute set exists:
	// 6.17 and 6.18 answer a read on a pid without any attribute with an
	// empty value, see kernel.PidfsXattrs): pidfs_xattr_set hands flags to
	// simple_xattr_set (v7.3 fs/pidfs.c:1147), which fails an XATTR_CREATE
	// of an existing name with EEXIST and an XATTR_REPLACE of a missing one
	// with ENODATA (v7.3 fs/xattr.c:1456-1458, :1479-1481), changing nothing.
	DescribeTable("sets a trusted.* attribute as its flag says",
		func(name string, flags int, wantErr error, want string) {
			fd := pidfdWithAttribute(testAttribute)
			err := unix.Fsetxattr(fd, name, []byte("new value"), flags)
			if wantErr == nil {
				Expect(err).NotTo(HaveOccurred())
			} else {
				Expect(err).To(helpers.BeErrno(wantErr.(unix.Errno)))
			}
			buf := make([]byte, 64)
			n, err := unix.Fgetxattr(fd, name, buf)
			if want == "" {
				Expect(err).To(helpers.BeErrno(unix.ENODATA), "%s after the refused set", name)
				return
			}
			Expect(err).NotTo(HaveOccurred())
			Expect(string(buf[:n])).To(Equal(want), name)
		},
		// Behavior: fsetxattr(2) with XATTR_CREATE on a pidfd creates
		//           a trusted.* attribute that does not exist yet.
		// Mirrors:  none
		// Since:    v6.17
		Entry("XATTR_CREATE of a new name succeeds", helpers.ID("xattr_create_of_a_new_name_succeeds"), helpers.ManPidfs,
			"trusted.pidfdconf-new", unix.XATTR_CREATE, nil, "new value"),
		// Behavior: fsetxattr(2) with XATTR_CREATE on a pidfd fails with EEXIST
		//           for an existing trusted.* attribute and keeps its value.
		// Mirrors:  none
		// Since:    v6.17
		Entry("XATTR_CREATE of an existing name fails with EEXIST", helpers.ID("xattr_create_of_an_existing_name_fails_with_eexist"), helpers.ManPidfs,
			testAttribute, unix.XATTR_CREATE, unix.EEXIST, "value"),
		// Behavior: fsetxattr(2) with XATTR_REPLACE on a pidfd replaces
		//           the value of an existing trusted.* attribute.
		// Mirrors:  none
		// Since:    v6.17
		Entry("XATTR_REPLACE of an existing name succeeds", helpers.ID("xattr_replace_of_an_existing_name_succeeds"), helpers.ManPidfs,
			testAttribute, unix.XATTR_REPLACE, nil, "new value"),
		// Behavior: fsetxattr(2) with XATTR_REPLACE on a pidfd fails with ENODATA
		//           for a trusted.* attribute that does not exist, and creates none.
		// Mirrors:  none
		// Since:    v6.17
		Entry("XATTR_REPLACE of a missing name fails with ENODATA", helpers.ID("xattr_replace_of_a_missing_name_fails_with_enodata"), helpers.ManPidfs,
			"trusted.pidfdconf-missing", unix.XATTR_REPLACE, unix.ENODATA, ""),
	)

	// Behavior: pidfs accepts only trusted.* attributes: setting a user.* one fails with EOPNOTSUPP.
	// Mirrors:  none
	// Since:    v6.17
	It("refuses user.* attributes with EOPNOTSUPP", helpers.ID("refuses_user_attributes_with_eopnotsupp"), helpers.ManPidfs, func() {
		fd := pidfdWithAttribute(testAttribute)
		Expect(unix.Fsetxattr(fd, "user.pidfdconf", []byte("value"), 0)).To(helpers.BeErrno(unix.EOPNOTSUPP))
	})
})
