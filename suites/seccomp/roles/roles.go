package seccomproles

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// TrapMode is the mode argument that makes openat(2) trap to the listener:
// openat ignores it without O_CREAT, and nothing else passes it, so the
// Go runtime's own calls never trap.
const TrapMode = 0x5ecc

// Target is a process whose leader thread installs a seccomp filter
// that sends openat(…, TrapMode) to a listener, as a container's init does
// for its supervisor. The filter and no_new_privs stay on the leader, where
// the role's main goroutine is locked (internal/role); commands are served
// on another thread and the leader only runs what they hand it
// (cmd/pidfdconf-role-c's has one thread, which does both). It answers
// "ready <pid>". Commands:
//
//	listen  install the filter → ok <memfd number> <dev> <ino> + the listener;
//	        the memfd is an fd of this process for the supervisor to fetch
//	open    the leader calls openat(AT_FDCWD, "/", O_RDONLY, TrapMode), which
//	        waits for the supervisor → ok <returned fd> <dev> <ino> | err ERRNO
var Target = role.RegisterWithC("seccomp-target", func(p *role.Channel, _ []string) int {
	memfd, err := unix.MemfdCreate("pidfdconf-seccomp-target", 0)
	if err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	leader := make(chan func())
	// onLeader runs f on the leader thread and waits for it.
	onLeader := func(f func() (string, error)) (string, error) {
		var text string
		var err error
		done := make(chan struct{})
		leader <- func() { text, err = f(); close(done) }
		<-done
		return text, err
	}
	go func() {
		os.Exit(role.Serve(p, map[string]role.Command{
			"listen": func(req *role.Request) (string, error) {
				return onLeader(func() (string, error) {
					prog, ok := kernel.TrapFilter(unix.SYS_OPENAT, 3, TrapMode)
					if !ok {
						return "", fmt.Errorf("no seccomp filter for this architecture: %w", unix.EOPNOTSUPP)
					}
					listener, err := kernel.InstallListener(prog)
					if err != nil {
						return "", err
					}
					req.Attach(listener)
					return describeFd(memfd)
				})
			},
			"open": func(*role.Request) (string, error) {
				return onLeader(func() (string, error) {
					fd, err := unix.Openat(unix.AT_FDCWD, "/", unix.O_RDONLY|unix.O_CLOEXEC, TrapMode)
					if err != nil {
						return "", err
					}
					return describeFd(fd)
				})
			},
		}))
	}()
	p.Sendf("ready %d", os.Getpid())
	for f := range leader {
		f()
	}
	return 0
})

// describeFd is "<fd> <dev> <ino>".
func describeFd(fd int) (string, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d %d %d", fd, st.Dev, st.Ino), nil
}
