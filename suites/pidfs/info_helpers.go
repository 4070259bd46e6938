package pidfs

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

// supportedMaskEras is PIDFD_INFO_SUPPORTED, the set a kernel puts in
// supported_mask, by the release that first had it. It is a #define in
// fs/pidfs.c, independent of the config (CGROUPID is in it even without
// CONFIG_CGROUPS) and of what the running kernel's probes find:
//
//	v6.19  PID|CREDS|CGROUPID|EXIT|COREDUMP|SUPPORTED_MASK|COREDUMP_SIGNAL
//	       (the vfs-6.19 coredump series: "pidfs: add
//	       PIDFD_INFO_SUPPORTED_MASK", then "pidfs: expose coredump signal"
//	       added COREDUMP_SIGNAL to it)
//	v7.1   + COREDUMP_CODE (v7.3 fs/pidfs.c:356-363 lists all eight)
var supportedMaskEras = []struct {
	since string
	mask  uint64
}{
	{"6.19", unix.PIDFD_INFO_PID | unix.PIDFD_INFO_CREDS | unix.PIDFD_INFO_CGROUPID | unix.PIDFD_INFO_EXIT |
		unix.PIDFD_INFO_COREDUMP | kernel.PIDFD_INFO_SUPPORTED_MASK | kernel.PIDFD_INFO_COREDUMP_SIGNAL},
	{"7.1", unix.PIDFD_INFO_PID | unix.PIDFD_INFO_CREDS | unix.PIDFD_INFO_CGROUPID | unix.PIDFD_INFO_EXIT |
		unix.PIDFD_INFO_COREDUMP | kernel.PIDFD_INFO_SUPPORTED_MASK | kernel.PIDFD_INFO_COREDUMP_SIGNAL | kernel.PIDFD_INFO_COREDUMP_CODE},
}

// expectedSupportedMask is the exact supported_mask the running kernel's
// version owes; an older kernel that has the field (a backport) owes the
// first one.
func expectedSupportedMask() uint64 {
	want := supportedMaskEras[0].mask
	for _, era := range supportedMaskEras {
		if kernel.Kernel().AtLeast(era.since) {
			want = era.mask
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
