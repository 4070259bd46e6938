package pidfs

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/pidfs/roles"
)

// name_to_handle_at(2) and open_by_handle_at(2) on pidfds, state by state.
// What a handle opens is compared with the pidfd it was taken from (device
// and inode), and its status flags with the open flags asked for.
//
//	state of the process            open_by_handle_at                spec
//	live                            the same inode                   reopens_the_same_*
//	zombie                          the same inode                   decodes_the_handle_of_a_zombie
//	reaped, a pidfd still held      ESTALE                           fails_with_estale_once_the_process_is_reaped
//	reaped and forgotten            ESTALE                           fails_with_estale_once_reaped_and_no_pidfd_left
//	pid number reused               ESTALE, never the successor      refuses_handle_of_reaped_process_whose_pid_was_reused
//	in a child pid namespace        the same inode                   decodes_the_handle_of_a_process_in_a_child_pid_namespace
//	outside the caller's pid ns     ESTALE                           refuses_handle_of_process_outside_caller_pid_namespace
//	non-leader thread, after exec   –                                not tried: no contract (pidfs_export_open opens any
//	                                                                 struct pid the handle names)
//
//	open flag                       status flags of the result       spec
//	O_EXCL, without it              PIDFD_THREAD (v7.2) / none       reopens_pidfd_o_excl_pidfd_thread_set, reopens_pidfd_no_o_excl_pidfd_thread_not_set
//	O_NONBLOCK, without it          O_NONBLOCK / none                reopens_pidfd_o_nonblock_set, reopens_pidfd_no_o_nonblock_not_set
//	any other                       EINVAL                           fails_with_einval_for_the_invalid_open_flag_*
//	mount fd FD_PIDFS_ROOT, or not  the same inode / ESTALE, EBADF   decodes_the_handle_with_fd_pidfs_root_*, fails_to_decode_the_handle_with_the_mount_fd_*
//	  a pidfd
//	name_to_handle_at flags         AT_HANDLE_FID works,             encodes_at_handle_fid_handle_that_decodes_to_same_inode, refuses_at_handle_connectable_with_einval,
//	                                AT_HANDLE_CONNECTABLE EINVAL,    fails_with_enotdir_for_a_path_below_a_pidfd_*
//	                                a path ENOTDIR

// atHandleFID and atHandleConnectable are the uapi name_to_handle_at flags
// AT_HANDLE_FID (v6.5) and AT_HANDLE_CONNECTABLE (v6.13).
const (
	atHandleFID         = 0x200
	atHandleConnectable = 0x002
)

// handleOf is name_to_handle_at(pidfd, "", AT_EMPTY_PATH).
func handleOf(pidfd int) unix.FileHandle {
	GinkgoHelper()
	h, _, err := unix.NameToHandleAt(pidfd, "", unix.AT_EMPTY_PATH)
	Expect(err).NotTo(HaveOccurred(), "name_to_handle_at(pidfd)")
	return h
}

// reopenByHandle is open_by_handle_at(mountFd, h, flags), closed at cleanup.
func reopenByHandle(mountFd int, h unix.FileHandle, flags int) (int, error) {
	GinkgoHelper()
	fd, err := unix.OpenByHandleAt(mountFd, h, flags)
	if err == nil {
		DeferCleanup(unix.Close, fd)
	}
	return fd, err
}

var _ = area.Describe("file handles of pidfds", helpers.SyscallOpenByHandleAt, helpers.Requires(kernel.FileHandles), func() {
	// Behavior: open_by_handle_at(2) of a pidfd's handle (any pidfd as the mount fd) returns a pidfd
	//           for the same process, the same inode, for every combination of the allowed open flags.
	// Mirrors:  pidfd_file_handle_test.c file_handle.file_handle_same_pidns (flags 0, O_CLOEXEC, O_NONBLOCK; v6.14
	//           selftest); pidfd_file_handle_test.c file_handle.open_by_handle_at_valid_flags (v6.14 selftest)
	// Since:    v6.14
	DescribeTable("reopens the same",
		func(flags int) {
			child := helpers.StartBlocked()
			fd, err := reopenByHandle(helpers.SelfPidfd(), handleOf(child.Pidfd), flags)
			Expect(err).NotTo(HaveOccurred())
			Expect(helpers.Inode(fd)).To(Equal(helpers.Inode(child.Pidfd)))
		},
		Entry("pidfs inode from a handle", helpers.ID("reopens_the_same_pidfs_inode_from_a_handle"), helpers.SyscallNameToHandleAt, helpers.SelftestPidfdFileHandle, unix.O_CLOEXEC),
		Entry("inode with valid open flags 0", helpers.ID("reopens_the_same_inode_with_valid_open_flags_0"), helpers.SelftestPidfdFileHandle, 0),
		Entry("inode with valid open flags O_CLOEXEC", helpers.ID("reopens_the_same_inode_with_valid_open_flags_o_cloexec"), helpers.SelftestPidfdFileHandle, unix.O_CLOEXEC),
		Entry("inode with valid open flags O_NONBLOCK", helpers.ID("reopens_the_same_inode_with_valid_open_flags_o_nonblock"), helpers.SelftestPidfdFileHandle, unix.O_NONBLOCK),
		Entry("inode with valid open flags O_RDONLY|O_WRONLY|O_RDWR|O_NONBLOCK|O_NDELAY|O_CLOEXEC|O_EXCL", helpers.ID("reopens_same_inode_with_valid_open_flags_o_rdonly_o_wronly_o"), helpers.SelftestPidfdFileHandle,
			unix.O_RDONLY|unix.O_WRONLY|unix.O_RDWR|unix.O_NONBLOCK|unix.O_NDELAY|unix.O_CLOEXEC|unix.O_EXCL),
	)

	// Each flag open_by_handle_at(2) takes for a pidfd, tried both ways:
	// PIDFD_THREAD is O_EXCL and PIDFD_NONBLOCK is O_NONBLOCK (v7.3
	// fs/pidfs.c:996-1002), and the reopened pidfd carries exactly the ones
	// asked for in its status flags. O_NONBLOCK goes through dentry_open
	// since v6.14; O_EXCL, which do_dentry_open() strips, only since
	// pidfs_dentry_open() raises it again (v7.3 fs/pidfs.c:988-993, commit
	// "pidfs: preserve thread pidfds reopened by file handle", v7.2-rc5):
	// v6.14–v7.1 returned a thread-group pidfd for O_EXCL.
	DescribeTable("reopens a pidfd whose status flags follow the open flags",
		func(flags, want int) {
			if want&unix.O_EXCL != 0 {
				helpers.RequireFeature(kernel.HandleKeepsThread)
			}
			child := helpers.StartBlocked()
			fd, err := reopenByHandle(helpers.SelfPidfd(), handleOf(child.Pidfd), flags)
			Expect(err).NotTo(HaveOccurred())
			Expect(helpers.Inode(fd)).To(Equal(helpers.Inode(child.Pidfd)))
			got := helpers.StatusFlags(fd) & (unix.O_EXCL | unix.O_NONBLOCK)
			Expect(got).To(Equal(want), "F_GETFL %#o of the reopened pidfd", helpers.StatusFlags(fd))
		},
		// Behavior: open_by_handle_at(2) of a pidfd's handle with O_EXCL (and the selftest's other
		//           valid flags) returns a PIDFD_THREAD pidfd: O_EXCL is in its status flags.
		// Mirrors:  pidfd_file_handle_test.c file_handle.open_by_handle_at_valid_flags
		//           (its F_GETFL & PIDFD_THREAD check, v7.2 selftest)
		// Since:    v7.2
		Entry("O_EXCL: PIDFD_THREAD set", helpers.ID("reopens_pidfd_o_excl_pidfd_thread_set"), helpers.FlagPidfdThread, helpers.SelftestPidfdFileHandle,
			unix.O_RDONLY|unix.O_WRONLY|unix.O_RDWR|unix.O_NONBLOCK|unix.O_NDELAY|unix.O_CLOEXEC|unix.O_EXCL, unix.O_EXCL|unix.O_NONBLOCK),
		// Behavior: open_by_handle_at(2) of a pidfd's handle without O_EXCL returns a thread-group
		//           pidfd: O_EXCL (PIDFD_THREAD) is not in its status flags.
		// Mirrors:  none
		// Since:    v6.14
		Entry("no O_EXCL: PIDFD_THREAD not set", helpers.ID("reopens_pidfd_no_o_excl_pidfd_thread_not_set"), helpers.FlagPidfdThread, helpers.ManPidfs,
			unix.O_CLOEXEC, 0),
		// Behavior: open_by_handle_at(2) of a pidfd's handle with O_NONBLOCK returns a
		//           pidfd with O_NONBLOCK in its status flags (a PIDFD_NONBLOCK pidfd).
		// Mirrors:  pidfd_file_handle_test.c file_handle.file_handle_same_pidns
		//           (opens with O_NONBLOCK, checks only the inode)
		// Since:    v6.14
		Entry("O_NONBLOCK: O_NONBLOCK set", helpers.ID("reopens_pidfd_o_nonblock_set"), helpers.FlagPidfdNonblock, helpers.SelftestPidfdFileHandle,
			unix.O_NONBLOCK|unix.O_CLOEXEC, unix.O_NONBLOCK),
		// Behavior: open_by_handle_at(2) of a pidfd's handle without O_NONBLOCK
		//           returns a blocking pidfd: O_NONBLOCK is not in its status flags.
		// Mirrors:  none
		// Since:    v6.14
		Entry("no O_NONBLOCK: O_NONBLOCK not set", helpers.ID("reopens_pidfd_no_o_nonblock_not_set"), helpers.FlagPidfdNonblock, helpers.ManPidfs,
			unix.O_CLOEXEC, 0),
	)

	// Behavior: open_by_handle_at(2) of a pidfs handle fails with EINVAL for each open flag outside
	//           O_RDONLY/O_WRONLY/O_RDWR/O_NONBLOCK/O_CLOEXEC/O_EXCL (pidfs_export_permission).
	// Mirrors:  pidfd_file_handle_test.c file_handle.open_by_handle_at_invalid_flags
	//           (asserts failure only; v6.14 selftest)
	// Since:    v6.14
	DescribeTable("fails with EINVAL for",
		func(flag int) {
			_, err := reopenByHandle(helpers.SelfPidfd(), handleOf(helpers.SelfPidfd()), flag)
			Expect(err).To(helpers.BeErrno(unix.EINVAL))
		},
		Entry("invalid open flags", helpers.ID("fails_with_einval_for_invalid_open_flags"), helpers.SelftestPidfdFileHandle, unix.O_CREAT),
		Entry("the invalid open flag FASYNC", helpers.ID("fails_with_einval_for_the_invalid_open_flag_fasync"), helpers.SelftestPidfdFileHandle, unix.O_ASYNC),
		Entry("the invalid open flag O_NOCTTY", helpers.ID("fails_with_einval_for_the_invalid_open_flag_o_noctty"), helpers.SelftestPidfdFileHandle, unix.O_NOCTTY),
		Entry("the invalid open flag O_TRUNC", helpers.ID("fails_with_einval_for_the_invalid_open_flag_o_trunc"), helpers.SelftestPidfdFileHandle, unix.O_TRUNC),
		Entry("the invalid open flag O_APPEND", helpers.ID("fails_with_einval_for_the_invalid_open_flag_o_append"), helpers.SelftestPidfdFileHandle, unix.O_APPEND),
		Entry("the invalid open flag O_SYNC", helpers.ID("fails_with_einval_for_the_invalid_open_flag_o_sync"), helpers.SelftestPidfdFileHandle, unix.O_SYNC),
		Entry("the invalid open flag O_DSYNC", helpers.ID("fails_with_einval_for_the_invalid_open_flag_o_dsync"), helpers.SelftestPidfdFileHandle, unix.O_DSYNC),
		Entry("the invalid open flag O_DIRECT", helpers.ID("fails_with_einval_for_the_invalid_open_flag_o_direct"), helpers.SelftestPidfdFileHandle, unix.O_DIRECT),
		Entry("the invalid open flag O_DIRECTORY", helpers.ID("fails_with_einval_for_the_invalid_open_flag_o_directory"), helpers.SelftestPidfdFileHandle, unix.O_DIRECTORY),
		Entry("the invalid open flag O_NOFOLLOW", helpers.ID("fails_with_einval_for_the_invalid_open_flag_o_nofollow"), helpers.SelftestPidfdFileHandle, unix.O_NOFOLLOW),
		Entry("the invalid open flag O_NOATIME", helpers.ID("fails_with_einval_for_the_invalid_open_flag_o_noatime"), helpers.SelftestPidfdFileHandle, unix.O_NOATIME),
		Entry("the invalid open flag O_PATH", helpers.ID("fails_with_einval_for_the_invalid_open_flag_o_path"), helpers.SelftestPidfdFileHandle, unix.O_PATH),
		Entry("the invalid open flag O_TMPFILE", helpers.ID("fails_with_einval_for_the_invalid_open_flag_o_tmpfile"), helpers.SelftestPidfdFileHandle, unix.O_TMPFILE),
	)

	// Behavior: a handle of a process that has been reaped no longer opens, even
	//           while a pidfd to it is open: open_by_handle_at(2) fails with ESTALE.
	// Mirrors:  pidfd_file_handle_test.c file_handle.pid_has_been_reaped (asserts failure only; v6.14 selftest)
	// Since:    v6.14
	It("fails with ESTALE once the process is reaped", helpers.ID("fails_with_estale_once_the_process_is_reaped"), helpers.SelftestPidfdFileHandle, func(ctx SpecContext) {
		child := helpers.StartBlocked()
		h := handleOf(child.Pidfd)
		child.Reap(ctx)
		_, err := unix.OpenByHandleAt(helpers.SelfPidfd(), h, unix.O_CLOEXEC)
		Expect(err).To(helpers.BeErrno(unix.ESTALE))
	})

	// Behavior: a handle of a process that has been reaped and whose every pidfd
	//           is closed does not open: open_by_handle_at(2) fails with ESTALE.
	// Mirrors:  none (pidfd_file_handle_test.c file_handle.pid_has_been_reaped holds the pidfd)
	// Since:    v6.14
	It("fails with ESTALE once the process is reaped and no pidfd to it is left", helpers.ID("fails_with_estale_once_reaped_and_no_pidfd_left"), helpers.ManPidfs, func(ctx SpecContext) {
		child := helpers.StartBlocked()
		h := handleOf(child.Pidfd)
		child.Forget(ctx)
		// v7.3 fs/pidfs.c:928-945 pidfs_ino_get_pid: the struct pid is gone
		// from the inode table, or marked exited → NULL → ESTALE.
		_, err := unix.OpenByHandleAt(helpers.SelfPidfd(), h, unix.O_CLOEXEC)
		Expect(err).To(helpers.BeErrno(unix.ESTALE))
	})

	// Behavior: the handle of a reaped process whose pid number another process now has does not open (ESTALE):
	//           it never decodes to the process that took the number, whose own handle decodes to its own inode.
	// Mirrors:  none (pidfs handles carry the struct pid's inode number,
	//           never a pid number: v7.3 fs/pidfs.c pidfs_encode_fh)
	// Since:    v6.14
	It("refuses the handle of a reaped process whose pid number was reused with ESTALE", helpers.ID("refuses_handle_of_reaped_process_whose_pid_was_reused"), helpers.NeedsPidNS, helpers.ManPidfs, func(ctx SpecContext) {
		helpers.RequireFeature(kernel.PidNamespaces)
		old, _, successor := helpers.ReusePidNumber(ctx, helpers.NewPidNS(ctx), 1000, helpers.RoleNone, nil)
		_, err := unix.OpenByHandleAt(helpers.SelfPidfd(), handleOf(old.Pidfd), unix.O_CLOEXEC)
		Expect(err).To(helpers.BeErrno(unix.ESTALE), "the reaped process's handle")
		fd, err := reopenByHandle(helpers.SelfPidfd(), handleOf(successor.Pidfd), unix.O_CLOEXEC)
		Expect(err).NotTo(HaveOccurred(), "the successor's handle")
		Expect(helpers.Inode(fd)).To(Equal(helpers.Inode(successor.Pidfd)))
	})

	// Behavior: the handle of a process that exited but is not reaped, or of a process in a
	//           child pid namespace, decodes from the caller's namespace to the same inode.
	// Mirrors:  pidfd_file_handle_test.c file_handle.pid_has_exited (v6.14 selftest);
	//           pidfd_file_handle_test.c file_handle.file_handle_child_pidns (v6.14 selftest)
	// Since:    v6.14
	DescribeTable("decodes the handle of",
		func(ctx SpecContext, target func(SpecContext) (pidfd int, h unix.FileHandle)) {
			pidfd, h := target(ctx)
			fd, err := reopenByHandle(helpers.SelfPidfd(), h, unix.O_CLOEXEC)
			Expect(err).NotTo(HaveOccurred())
			Expect(helpers.Inode(fd)).To(Equal(helpers.Inode(pidfd)))
		},
		Entry("a zombie", helpers.ID("decodes_the_handle_of_a_zombie"), helpers.SelftestPidfdFileHandle, func(ctx SpecContext) (int, unix.FileHandle) {
			child := helpers.StartBlocked()
			h := handleOf(child.Pidfd)
			child.Kill()
			helpers.AwaitZombie(ctx, child.Pidfd)
			return child.Pidfd, h
		}),
		Entry("a process in a child pid namespace", helpers.ID("decodes_the_handle_of_a_process_in_a_child_pid_namespace"), helpers.NeedsPidNS, helpers.SelftestPidfdFileHandle, func(ctx SpecContext) (int, unix.FileHandle) {
			helpers.RequireFeature(kernel.PidNamespaces)
			c := helpers.NewPidNS(ctx).Spawn(ctx, 1000, helpers.RoleProcess)
			return c.Pidfd, handleOf(c.Pidfd)
		}),
	)

	// Behavior: a caller inside a child pid namespace cannot decode the handle of a process
	//           outside its namespace hierarchy (here the test process), even with that process's
	//           own pidfd as the mount fd: open_by_handle_at(2) fails with ESTALE (the pid is not
	//           found from there), while a handle of a process inside its namespace decodes.
	// Mirrors:  pidfd_file_handle_test.c file_handle.file_handle_foreign_pidns
	//           (asserts failure only; v6.14 selftest)
	// Since:    v6.14
	It("refuses a handle of a process outside the caller's pid namespace with ESTALE", helpers.ID("refuses_handle_of_process_outside_caller_pid_namespace"), helpers.SyscallOpenByHandleAt, helpers.NeedsPidNS, helpers.SelftestPidfdFileHandle, func(ctx SpecContext) {
		h := handleOf(helpers.SelfPidfd())
		asker := helpers.NewPidNS(ctx).Spawn(ctx, 0, pidfsroles.InfoAsker)
		_, err := asker.Call(ctx, fmt.Sprintf("open-handle %d %x", h.Type(), h.Bytes()), helpers.SelfPidfd())
		Expect(err).To(helpers.BeErrno(unix.ESTALE))
		// Control: the same caller decodes the handle of a process in its own namespace.
		own := handleOf(asker.Pidfd)
		_, err = asker.Call(ctx, fmt.Sprintf("open-handle %d %x", own.Type(), own.Bytes()), helpers.SelfPidfd())
		Expect(err).NotTo(HaveOccurred(), "decoding a handle from inside the namespace")
	})

	// Behavior: name_to_handle_at(2) on a pidfd with a non-empty path fails with
	//           ENOTDIR, with or without AT_EMPTY_PATH: pidfs has no lookup.
	// Mirrors:  pidfd_file_handle_test.c file_handle.lookup_must_fail (v6.14 selftest)
	// Since:    v6.14
	DescribeTable("fails with ENOTDIR for a path below a pidfd",
		func(flags int) {
			_, _, err := unix.NameToHandleAt(helpers.SelfPidfd(), "lookup-is-not-possible-with-pidfs", flags)
			Expect(err).To(helpers.BeErrno(unix.ENOTDIR))
		},
		Entry("AT_EMPTY_PATH", helpers.ID("fails_with_enotdir_for_a_path_below_a_pidfd_at_empty_path"), helpers.SyscallNameToHandleAt, helpers.SelftestPidfdFileHandle, unix.AT_EMPTY_PATH),
		Entry("no flags", helpers.ID("fails_with_enotdir_for_a_path_below_a_pidfd_no_flags"), helpers.SyscallNameToHandleAt, helpers.SelftestPidfdFileHandle, 0),
	)

	// Behavior: name_to_handle_at(2) of a pidfd with AT_HANDLE_CONNECTABLE
	//           fails with EINVAL (a pidfd has no parent to connect).
	// Mirrors:  pidfd_file_handle_test.c file_handle.invalid_name_to_handle_at_flags
	//           (asserts failure only; v6.14 selftest)
	// Since:    v6.14
	It("refuses AT_HANDLE_CONNECTABLE with EINVAL", helpers.ID("refuses_at_handle_connectable_with_einval"), helpers.SyscallNameToHandleAt, helpers.SelftestPidfdFileHandle, func() {
		_, _, err := unix.NameToHandleAt(helpers.SelfPidfd(), "", unix.AT_EMPTY_PATH|atHandleConnectable)
		Expect(err).To(helpers.BeErrno(unix.EINVAL))
	})

	// Behavior: name_to_handle_at(2) of a pidfd with AT_HANDLE_FID
	//           succeeds and the handle decodes to the same inode.
	// Mirrors:  pidfd_file_handle_test.c file_handle.valid_name_to_handle_at_flags (v6.14 selftest)
	// Since:    v6.14
	It("encodes an AT_HANDLE_FID handle that decodes to the same inode", helpers.ID("encodes_at_handle_fid_handle_that_decodes_to_same_inode"), helpers.SyscallNameToHandleAt, helpers.SelftestPidfdFileHandle, func() {
		self := helpers.SelfPidfd()
		h, _, err := unix.NameToHandleAt(self, "", unix.AT_EMPTY_PATH|atHandleFID)
		Expect(err).NotTo(HaveOccurred())
		fd, err := reopenByHandle(self, h, unix.O_CLOEXEC)
		Expect(err).NotTo(HaveOccurred())
		Expect(helpers.Inode(fd)).To(Equal(helpers.Inode(self)))
	})

	Context("when the mount fd is FD_PIDFS_ROOT or not a pidfd", func() {
		BeforeEach(func() { helpers.RequireFeature(kernel.PidfsRootHandles) })

		// Behavior: open_by_handle_at(2) decodes a pidfs handle with FD_PIDFS_ROOT (-10002) as
		//           the mount fd, to the same inode, with flags 0, O_CLOEXEC and O_NONBLOCK.
		// Mirrors:  pidfd_file_handle_test.c file_handle.decode_purely_based_on_file_handle (v6.14 selftest)
		// Since:    v6.17
		DescribeTable("decodes the handle with FD_PIDFS_ROOT",
			func(flags int) {
				child := helpers.StartBlocked()
				fd, err := reopenByHandle(kernel.FdPidfsRoot, handleOf(child.Pidfd), flags)
				Expect(err).NotTo(HaveOccurred())
				Expect(helpers.Inode(fd)).To(Equal(helpers.Inode(child.Pidfd)))
			},
			Entry("flags 0", helpers.ID("decodes_the_handle_with_fd_pidfs_root_flags_0"), helpers.SelftestPidfdFileHandle, 0),
			Entry("flags O_CLOEXEC", helpers.ID("decodes_the_handle_with_fd_pidfs_root_flags_o_cloexec"), helpers.SelftestPidfdFileHandle, unix.O_CLOEXEC),
			Entry("flags O_NONBLOCK", helpers.ID("decodes_the_handle_with_fd_pidfs_root_flags_o_nonblock"), helpers.SelftestPidfdFileHandle, unix.O_NONBLOCK),
		)

		// Behavior: open_by_handle_at(2) of a pidfs handle fails with a mount fd that is neither a pidfd nor
		//           FD_PIDFS_ROOT: AT_FDCWD (another filesystem) → ESTALE (EPERM without CAP_DAC_READ_SEARCH:
		//           fs/fhandle.c may_decode_fh refuses before decoding), -EBADF → EBADF.
		// Mirrors:  pidfd_file_handle_test.c file_handle.decode_purely_based_on_file_handle
		//           (asserts failure only; v6.14 selftest)
		// Since:    v6.17
		DescribeTable("fails to decode the handle with the mount fd",
			func(mountFd int, want unix.Errno) {
				_, err := reopenByHandle(mountFd, handleOf(helpers.SelfPidfd()), unix.O_CLOEXEC)
				if mountFd == unix.AT_FDCWD {
					expectCwdDecodeRefused(err, want)
					return
				}
				Expect(err).To(helpers.BeErrno(want))
			},
			Entry("AT_FDCWD", helpers.ID("fails_to_decode_the_handle_with_the_mount_fd_at_fdcwd"), helpers.SelftestPidfdFileHandle, unix.AT_FDCWD, unix.ESTALE),
			Entry("-EBADF", helpers.ID("fails_to_decode_the_handle_with_the_mount_fd_ebadf"), helpers.SelftestPidfdFileHandle, -int(unix.EBADF), unix.EBADF),
		)
	})
})

// expectCwdDecodeRefused checks open_by_handle_at(AT_FDCWD, pidfs handle,
// O_CLOEXEC). The cwd's filesystem has no export permission hook (only pidfs
// and nsfs have one), so fs/fhandle.c may_decode_fh decides first: without
// CAP_DAC_READ_SEARCH and without O_DIRECTORY it returns EPERM ("if
// (!(o_flags & O_DIRECTORY)) return -EPERM;"). With the capability the cwd's
// filesystem tries the handle: ESTALE where it can decode handles (tmpfs,
// ext4; measured on 6.18); EOPNOTSUPP is the exportfs answer of one without
// export operations.
func expectCwdDecodeRefused(err error, want unix.Errno) {
	GinkgoHelper()
	if !kernel.HasCapability(unix.CAP_DAC_READ_SEARCH) {
		Expect(err).To(helpers.BeErrno(unix.EPERM), "open_by_handle_at without CAP_DAC_READ_SEARCH")
		return
	}
	Expect(err).To(helpers.BeErrno(want, unix.EOPNOTSUPP))
}
