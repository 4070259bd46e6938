package helpers

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"unsafe"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// A Cgroup is a new, empty cgroup2 directory below the test process's own
// cgroup. It is removed at cleanup, after the cleanups registered later
// (the processes put in it) have run: a shared host keeps no cgroup of ours.
type Cgroup struct {
	Path string
	Fd   int // the directory, O_RDONLY|O_DIRECTORY; closed at cleanup
}

var cgroupSerial atomic.Int64

// NewCgroup creates the cgroup. It skips where there is no cgroup2
// hierarchy to create it in, and for want of privilege where the test may
// not create one (only root, or a user the hierarchy was delegated to, can).
// The cgroup tree is the whole system's: only Serial specs may call it.
func NewCgroup() *Cgroup {
	GinkgoHelper()
	Expect(CurrentSpecReport().IsSerial).To(BeTrue(), "a spec that creates a cgroup must be Serial")
	RequireFeature(kernel.Procfs)
	RequireOption(kernel.OptCgroups)
	parent := ownCgroup2Dir()
	path := filepath.Join(parent, fmt.Sprintf("pidfdconf-%d-%d", os.Getpid(), cgroupSerial.Add(1)))
	err := unix.Mkdir(path, 0o755)
	if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EROFS) {
		class := outcome.Privilege
		if os.Geteuid() == 0 {
			class = outcome.Environment
		}
		SkipFor(class, "creating a cgroup below %s was refused (uid %d): %v", parent, os.Geteuid(), err)
	}
	Expect(err).NotTo(HaveOccurred(), "mkdir %s", path)
	c := &Cgroup{Path: path, Fd: -1}
	DeferCleanup(c.remove)
	c.Fd, err = unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	Expect(err).NotTo(HaveOccurred(), "open %s", path)
	return c
}

// ownCgroup2Dir is the directory of the test process's cgroup in the
// cgroup2 hierarchy, from /proc/self/cgroup and the cgroup2 mount.
func ownCgroup2Dir() string {
	GinkgoHelper()
	mnt, root := cgroupMount("cgroup2")
	if mnt == "" {
		SkipFor(outcome.Environment, "no cgroup2 hierarchy is mounted (/proc/self/mountinfo)")
	}
	if root != "/" {
		SkipFor(outcome.Environment, "the cgroup2 mount at %s shows the hierarchy from %s, not its root", mnt, root)
	}
	data, err := os.ReadFile("/proc/self/cgroup")
	Expect(err).NotTo(HaveOccurred())
	for _, line := range strings.Split(string(data), "\n") {
		if path, ok := strings.CutPrefix(line, "0::"); ok {
			return filepath.Join(mnt, path)
		}
	}
	SkipFor(outcome.Environment, "the test process has no cgroup2 membership (/proc/self/cgroup: %q)", data)
	return ""
}

// cgroupMount is the mount point and root of the first mount of fstype
// ("cgroup2", or "cgroup" for a v1 hierarchy), "" when there is none.
func cgroupMount(fstype string) (mountPoint, root string) {
	GinkgoHelper()
	data, err := os.ReadFile("/proc/self/mountinfo")
	Expect(err).NotTo(HaveOccurred())
	for _, line := range strings.Split(string(data), "\n") {
		before, after, ok := strings.Cut(line, " - ")
		f, fs := strings.Fields(before), strings.Fields(after)
		if ok && len(f) >= 5 && len(fs) >= 1 && fs[0] == fstype {
			return unescapeMountinfo(f[4]), unescapeMountinfo(f[3])
		}
	}
	return "", ""
}

// CgroupV1Dir is the root directory of a mounted cgroup v1 hierarchy, ""
// when none is mounted.
func CgroupV1Dir() string {
	GinkgoHelper()
	RequireFeature(kernel.Procfs)
	mnt, _ := cgroupMount("cgroup")
	return mnt
}

// unescapeMountinfo undoes mountinfo's octal escapes (\040 for a space).
func unescapeMountinfo(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Procs lists the processes in the cgroup (cgroup.procs).
func (c *Cgroup) Procs() []int {
	GinkgoHelper()
	data, err := os.ReadFile(filepath.Join(c.Path, "cgroup.procs"))
	Expect(err).NotTo(HaveOccurred())
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		Expect(err).NotTo(HaveOccurred(), "cgroup.procs holds %q", data)
		pids = append(pids, pid)
	}
	return pids
}

// fileidKernfs is FILEID_KERNFS (include/linux/exportfs.h): a handle whose
// 8 bytes are the kernfs node id, which for a cgroup is its cgroup id.
const fileidKernfs = 0xfe

// ID is the cgroup id, as PIDFD_INFO_CGROUPID and bpf report it: the kernfs
// node id, which name_to_handle_at(2) encodes (systemd reads it so). Where
// handles are off it is the inode number, which on 64-bit is the same id.
func (c *Cgroup) ID() uint64 {
	GinkgoHelper()
	h, _, err := unix.NameToHandleAt(c.Fd, "", unix.AT_EMPTY_PATH)
	if err == nil {
		Expect(h.Type()).To(BeEquivalentTo(fileidKernfs), "cgroupfs handle type")
		Expect(h.Bytes()).To(HaveLen(8), "cgroupfs handle size")
		return binary.NativeEndian.Uint64(h.Bytes())
	}
	if unsafe.Sizeof(uintptr(0)) != 8 {
		Unstageable("name_to_handle_at on cgroup %s: %v; on 32-bit the inode number is not the cgroup id", c.Path, err)
	}
	var st unix.Stat_t
	Expect(unix.Fstat(c.Fd, &st)).To(Succeed())
	return uint64(st.Ino)
}

// Remove deletes the cgroup now; it must be empty.
func (c *Cgroup) Remove() {
	GinkgoHelper()
	Expect(unix.Rmdir(c.Path)).To(Succeed(), "rmdir %s", c.Path)
}

// remove closes the directory and deletes it. The processes put in it
// were killed and reaped by the cleanups that ran before, so it is empty.
func (c *Cgroup) remove() {
	GinkgoHelper()
	if c.Fd >= 0 {
		unix.Close(c.Fd)
	}
	if err := unix.Rmdir(c.Path); err != nil && !errors.Is(err, unix.ENOENT) {
		procs, _ := os.ReadFile(filepath.Join(c.Path, "cgroup.procs"))
		Fail(fmt.Sprintf("cgroup %s is left behind: rmdir: %v (cgroup.procs: %q)", c.Path, err, procs))
	}
}
