package pidfs_test

import (
	"bufio"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// expectedSupportedMask is the PIDFD_INFO_* set this kernel should claim
// in supported_mask: the bits every kernel with the field has, plus those
// whose features the probes found. COREDUMP_SIGNAL and COREDUMP_CODE cannot
// be probed (see the registry) and come with COREDUMP and from v7.1.
func expectedSupportedMask() uint64 {
	want := uint64(unix.PIDFD_INFO_PID | unix.PIDFD_INFO_CREDS | unix.PIDFD_INFO_CGROUPID | kernel.PIDFD_INFO_SUPPORTED_MASK)
	if kernel.PidfdInfoExit.Present() {
		want |= unix.PIDFD_INFO_EXIT
	}
	if kernel.PidfdInfoCoredump.Present() {
		want |= unix.PIDFD_INFO_COREDUMP | kernel.PIDFD_INFO_COREDUMP_SIGNAL
		if !kernel.Kernel().Less(kernel.MustParseVersion("7.1")) {
			want |= kernel.PIDFD_INFO_COREDUMP_CODE
		}
	}
	return want
}

// supportedMaskOffset is where this kernel's struct pidfd_info keeps
// supported_mask. v6.19 and v7.0 put it at 72, after coredump_mask and
// coredump_signal (an 80-byte struct); v7.1 inserted coredump_code and a
// pad before it and moved it to 80 (88 bytes, PIDFD_INFO_SIZE_VER3), as the
// structs in those releases' BTF show. The field changed place.
func supportedMaskOffset() int {
	if kernel.Kernel().Less(kernel.MustParseVersion("7.1")) {
		return 72
	}
	return 80
}

// infoSupportedMask issues PIDFD_GET_INFO on pidfd with mask (plus
// PIDFD_INFO_SUPPORTED_MASK) and returns the reply mask and supported_mask
// read where this kernel's layout has it.
func infoSupportedMask(pidfd int, mask uint64) (reply, supported uint64) {
	GinkgoHelper()
	buf := make([]byte, 88)
	Expect(kernel.PidfdInfoRaw(pidfd, mask|kernel.PIDFD_INFO_SUPPORTED_MASK, uintptr(len(buf)), buf)).To(Succeed())
	off := supportedMaskOffset()
	return binary.NativeEndian.Uint64(buf), binary.NativeEndian.Uint64(buf[off : off+8])
}

// ownCgroupID is the id of this process's cgroup on the default (cgroup2)
// hierarchy: the 64-bit kernfs node id its directory's file handle holds.
// It skips where no cgroup2 hierarchy is mounted.
func ownCgroupID() uint64 {
	GinkgoHelper()
	data, err := os.ReadFile("/proc/self/cgroup")
	Expect(err).NotTo(HaveOccurred())
	var rel string
	for _, line := range strings.Split(string(data), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			rel = p
		}
	}
	mnt := cgroup2Mount()
	if rel == "" || mnt == "" {
		helpers.SkipFor(outcome.Environment, "no cgroup2 hierarchy is mounted here (the cgroup id is a cgroup2 inode)")
	}
	h, _, err := unix.NameToHandleAt(unix.AT_FDCWD, filepath.Join(mnt, rel), 0)
	Expect(err).NotTo(HaveOccurred(), "name_to_handle_at(%s)", filepath.Join(mnt, rel))
	Expect(h.Bytes()).To(HaveLen(8), "a kernfs handle is the 64-bit node id")
	return binary.NativeEndian.Uint64(h.Bytes())
}

// cgroup2Mount is where the cgroup2 hierarchy is mounted, or "".
func cgroup2Mount() string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		for i, f := range fields {
			if f == "-" && i+1 < len(fields) && fields[i+1] == "cgroup2" {
				return fields[4]
			}
		}
	}
	return ""
}
