package setns

import (
	"context"
	"fmt"
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// An nsType is one /proc/<pid>/ns entry: its setns(2) flag (0 for the
// *_for_children views, which follow the pid and time namespaces) and its
// PIDFD_GET_*_NAMESPACE ioctl.
type nsType struct {
	name  string
	flag  int
	ioctl uintptr
}

// nsTypes is in the selftest's order. The user namespace comes first: an
// unprivileged caller holds capabilities over a target's other namespaces
// only once it is in the target's user namespace.
var nsTypes = []nsType{
	{"user", unix.CLONE_NEWUSER, unix.PIDFD_GET_USER_NAMESPACE},
	{"mnt", unix.CLONE_NEWNS, unix.PIDFD_GET_MNT_NAMESPACE},
	{"pid", unix.CLONE_NEWPID, unix.PIDFD_GET_PID_NAMESPACE},
	{"uts", unix.CLONE_NEWUTS, unix.PIDFD_GET_UTS_NAMESPACE},
	{"ipc", unix.CLONE_NEWIPC, unix.PIDFD_GET_IPC_NAMESPACE},
	{"net", unix.CLONE_NEWNET, unix.PIDFD_GET_NET_NAMESPACE},
	{"cgroup", unix.CLONE_NEWCGROUP, unix.PIDFD_GET_CGROUP_NAMESPACE},
	{"pid_for_children", 0, unix.PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE},
	{"time", unix.CLONE_NEWTIME, unix.PIDFD_GET_TIME_NAMESPACE},
	{"time_for_children", 0, unix.PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE},
}

// configuredTypes are the namespace types this kernel has: those with a
// /proc/self/ns entry. A type is left out (and the spec's report says so)
// only where the kernel config or an independent sign shows its option
// off; missing otherwise, it fails the spec (helpers.NamespaceTypePresent).
func configuredTypes() []nsType {
	GinkgoHelper()
	var out []nsType
	for _, t := range nsTypes {
		if helpers.NamespaceTypePresent(t.name) {
			out = append(out, t)
		}
	}
	return out
}

// allFlags is the setns(2) flag of every type in types.
func allFlags(types []nsType) int {
	flags := 0
	for _, t := range types {
		flags |= t.flag
	}
	return flags
}

func hasType(types []nsType, name string) bool {
	for _, t := range types {
		if t.name == name {
			return true
		}
	}
	return false
}

// unprivilegedUserNSBlockers are the sysctls that forbid an unprivileged
// user namespace, with the value that does.
var unprivilegedUserNSBlockers = map[string]string{
	"/proc/sys/user/max_user_namespaces":                     "0",
	"/proc/sys/kernel/unprivileged_userns_clone":             "0",
	"/proc/sys/kernel/apparmor_restrict_unprivileged_userns": "1",
}

// requireJoinable skips when the joiner cannot hold the capabilities that
// setns(2) demands over a target's namespaces: without root it needs to
// enter a user namespace the test created, so it needs the kernel to have
// user namespaces (a config skip where it is built without them) and to
// grant one to an unprivileged caller (a privilege skip where a sysctl
// forbids that).
func requireJoinable(types []nsType) {
	GinkgoHelper()
	if os.Geteuid() == 0 {
		return
	}
	if !hasType(types, "user") {
		helpers.RequireNamespaceType("user")
	}
	for path, blocking := range unprivilegedUserNSBlockers {
		if v, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(v)) == blocking {
			helpers.SkipFor(outcome.Privilege, "setns(2) needs CAP_SYS_ADMIN over the target's namespaces: root, or an unprivileged user namespace, which %s=%s forbids; running as uid %d", path, blocking, os.Geteuid())
		}
	}
}

// A target is a helper that waits in new namespaces of every configured
// type, all owned by its own new user namespace (none mapped, like the
// selftest's children), with the test process's fds for each of them.
type target struct {
	*helpers.Child
	nsfds map[string]int            // /proc/<pid>/ns/<name>
	ids   map[string]helpers.FileID // the namespaces nsfds refer to
}

func newTarget(ctx context.Context, types []nsType) *target {
	GinkgoHelper()
	// CLONE_NEWTIME makes Go use clone3(2), which puts the helper itself in
	// the new time namespace. Unsharing it before the exec instead would
	// leave the helper outside it on kernels whose exec does not switch
	// (6.1), and such a process cannot create threads (EINVAL).
	child := helpers.StartChild(ctx, helpers.RoleProcess, nil, helpers.WithCloneflags(uintptr(allFlags(types))))
	tg := &target{Child: child, nsfds: map[string]int{}}
	DeferCleanup(closeEach, tg.nsfds)
	for _, t := range types {
		fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/%s", child.Pid, t.name), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		Expect(err).NotTo(HaveOccurred(), "open the target's %s namespace", t.name)
		tg.nsfds[t.name] = fd
	}
	tg.ids = ids(tg.nsfds)
	return tg
}

// derivedNsfds are the target's namespaces through PIDFD_GET_*_NAMESPACE.
func derivedNsfds(pidfd int, types []nsType) map[string]int {
	GinkgoHelper()
	helpers.RequireFeature(kernel.NamespaceIoctls)
	fds := map[string]int{}
	DeferCleanup(closeEach, fds)
	for _, t := range types {
		fd, err := deriveNsfd(pidfd, t)
		Expect(err).NotTo(HaveOccurred(), "ioctl(PIDFD_GET_*_NAMESPACE) for %s", t.name)
		fds[t.name] = fd
	}
	return fds
}

// closeEach closes every fd of a type's map, filled after it was
// registered: one cleanup for ten fds, where a cleanup each cost the
// setns specs a tenth of their CPU time under TCG (each is a node run in
// a goroutine of its own, its location found by walking the stack).
func closeEach(fds map[string]int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}

func deriveNsfd(pidfd int, t nsType) (int, error) {
	fd, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(pidfd), t.ioctl, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(fd), nil
}

// ids are the namespaces that fds refer to, by type name.
func ids(fds map[string]int) map[string]helpers.FileID {
	GinkgoHelper()
	out := map[string]helpers.FileID{}
	for name, fd := range fds {
		out[name] = helpers.Inode(fd)
	}
	return out
}

// joinEach has the joiner call setns(fd(t), t.flag) for one type after the
// other and checks after each call that it is where expectIn says.
func joinEach(ctx context.Context, j *joiner, types []nsType, fd func(nsType) int, target, self map[string]helpers.FileID) {
	GinkgoHelper()
	for _, t := range types {
		if t.flag != 0 {
			Expect(j.setns(ctx, fd(t), t.flag)).To(Succeed(), "setns(2) to the target's %s namespace", t.name)
		}
		expectIn(j, t, target, self)
	}
}

// expectJoined checks expectIn for every type.
func expectJoined(j *joiner, types []nsType, target, self map[string]helpers.FileID) {
	GinkgoHelper()
	for _, t := range types {
		expectIn(j, t, target, self)
	}
}

// expectUnmoved requires the joiner to be in the test process's own
// namespace of every type, as after a refused setns(2).
func expectUnmoved(j *joiner, types []nsType) {
	GinkgoHelper()
	self := selfNamespaces(types)
	for _, t := range types {
		Expect(j.ns(t.name)).To(Equal(self[t.name]), "the caller's %s namespace", t.name)
	}
}

// expectIn requires the joiner to be in the target's namespace of type t,
// except for the pid namespace, which setns(2) never changes for the caller
// itself (only pid_for_children follows the target): that one stays self's.
func expectIn(j *joiner, t nsType, target, self map[string]helpers.FileID) {
	GinkgoHelper()
	want := target[t.name]
	if t.flag == unix.CLONE_NEWPID {
		want = self[t.name]
	}
	Expect(j.ns(t.name)).To(Equal(want), "the joiner's %s namespace", t.name)
}

// selfNamespaces are the test process's own namespaces.
func selfNamespaces(types []nsType) map[string]helpers.FileID {
	GinkgoHelper()
	out := map[string]helpers.FileID{}
	for _, t := range types {
		out[t.name] = nsOf(os.Getpid(), t.name)
	}
	return out
}
