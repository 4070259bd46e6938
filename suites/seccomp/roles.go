package seccomp

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// trapMode is the mode argument that makes openat(2) trap to the listener:
// openat ignores it without O_CREAT, and nothing else passes it, so the
// Go runtime's own calls never trap.
const trapMode = 0x5ecc

// roleTarget is a process whose leader thread installs a seccomp filter
// that sends openat(…, trapMode) to a listener, as a container's init does
// for its supervisor. The filter and no_new_privs stay on the leader, where
// the role's main goroutine is locked (internal/role); commands are served
// on another thread and the leader only runs what they hand it. It answers
// "ready <pid>". Commands:
//
//	listen  install the filter → ok <memfd number> <dev> <ino> + the listener;
//	        the memfd is an fd of this process for the supervisor to fetch
//	open    the leader calls openat(AT_FDCWD, "/", O_RDONLY, trapMode), which
//	        waits for the supervisor → ok <returned fd> <dev> <ino> | err ERRNO
var roleTarget = helpers.RegisterRole("seccomp-target", func(p *helpers.Channel, _ []string) int {
	memfd, err := unix.MemfdCreate("pidfdconf-seccomp-target", 0)
	if err != nil {
		p.Send(helpers.Answer("", err))
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
		os.Exit(helpers.Serve(p, map[string]helpers.Command{
			"listen": func(req *helpers.Request) (string, error) {
				return onLeader(func() (string, error) {
					prog, ok := kernel.TrapFilter(unix.SYS_OPENAT, 3, trapMode)
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
			"open": func(*helpers.Request) (string, error) {
				return onLeader(func() (string, error) {
					fd, err := unix.Openat(unix.AT_FDCWD, "/", unix.O_RDONLY|unix.O_CLOEXEC, trapMode)
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
