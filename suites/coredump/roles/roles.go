package coredumproles

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// Crasher is a process that dies by a real SIGSEGV: it shrinks its
// core to the notes (coredump_filter 0, so a dump is quick even under
// emulation), gives SIGSEGV back its default action behind the Go
// runtime's back, and with the argument "drop" gives up root (so that with
// fs.suid_dumpable 2 it dumps as root). It answers "ready <pid>" and
// serves "crash": after the reply it writes through a nil pointer.
var Crasher = role.Register("coredump-crasher", func(p *role.Channel, args []string) int {
	// Best effort: without procfs the core is just bigger.
	os.WriteFile("/proc/self/coredump_filter", []byte("0"), 0)
	if len(args) == 1 && args[0] == "drop" {
		if err := role.DropPrivileges(65534, 65534); err != nil {
			p.Send(role.Answer("", err))
			return 1
		}
	}
	if err := kernel.ResetSignalToDefault(unix.SIGSEGV); err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"crash": func(req *role.Request) (string, error) {
			req.Then(func() { *nowhere = 1 })
			return "", nil
		},
	})
})

// nowhere is the nil pointer the crasher writes through: address 0 is
// never mapped, so the write faults with SIGSEGV, si_code SEGV_MAPERR.
var nowhere *int

// SinkArg makes a binary that links this package the core_pattern pipe
// helper.
const SinkArg = "-pidfdconf-coredump-sink"

// The kernel runs the binary core_pattern names (the role binary, or the
// suite's own binary without one) as the pipe helper, with SinkArg first:
// it must be the sink before any test or role machinery starts.
func init() {
	if len(os.Args) > 1 && os.Args[1] == SinkArg {
		os.Exit(runSink(os.Args[2:]))
	}
}

// runSink is the pipe helper: argv is <report dir> <%P> [<%F>]. Before it
// reads the core it writes <report dir>/sink-<%P>: "pidfd <pid> <coredump
// mask>" from PIDFD_GET_INFO on its fd 3 (the pidfd of the dumping process
// that %F asks for), or "nofd <error>". Then it reads the core to its end:
// a reader that stops early cuts the dump short.
func runSink(args []string) int {
	if len(args) < 2 {
		return 2
	}
	report := "nofd "
	if info, err := kernel.GetPidfdInfo(3, unix.PIDFD_INFO_PID|unix.PIDFD_INFO_COREDUMP); err != nil {
		report += err.Error()
	} else {
		report = fmt.Sprintf("pidfd %d %d", info.Pid, info.Coredump_mask)
	}
	os.WriteFile(filepath.Join(args[0], "sink-"+args[1]), []byte(report), 0o600)
	io.Copy(io.Discard, os.Stdin)
	return 0
}
