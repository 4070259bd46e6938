// Package selinux runs the pidfd battery in confined SELinux domains: a
// helper labels copies of the test binary and executes them through init_t
// into refpolicy daemon domains, and reports what each operation returned
// and which AVC denials the kernel logged. Only suites/pidfs uses it.
package selinux

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// ConfinedDomain is a refpolicy daemon domain reachable from init_t by
// executing a file of ExecType.
type ConfinedDomain struct {
	Domain   string // syslogd_t
	ExecType string // syslogd_exec_t
}

// SELinuxConfinedDomains are the daemon domains the LSM specs run in: each
// is entered from init_t (init_daemon_domain) and confined by the policy.
var SELinuxConfinedDomains = []ConfinedDomain{
	{"syslogd_t", "syslogd_exec_t"},
	{"ntpd_t", "ntpd_exec_t"},
	{"dhcpc_t", "dhcpc_exec_t"},
	{"crond_t", "crond_exec_t"},
}

// SELinux file labels the confined run uses.
const (
	seInitExec = "system_u:object_r:init_exec_t:s0"
	seShadow   = "system_u:object_r:shadow_t:s0"
	seEtc      = "system_u:object_r:etc_t:s0"
)

// ConfinedOp is one operation's outcome in the confined process: Err is
// nil or an error wrapping the errno, Detail what it printed on success.
type ConfinedOp struct {
	Err    error
	Detail string
}

// ConfinedRun is what one run of the pidfd battery in a confined domain saw.
type ConfinedRun struct {
	Domain ConfinedDomain
	Ops    map[string]ConfinedOp // by operation name, see roles.go
	Output string                // raw lines from all three hops
	AVCs   []string              // "avc:" kernel log lines logged during the run
}

// Op returns the outcome of the named operation; a missing line is an error.
func (r *ConfinedRun) Op(name string) ConfinedOp {
	if op, ok := r.Ops[name]; ok {
		return op
	}
	return ConfinedOp{Err: fmt.Errorf("the confined process did not report %q (output:\n%s)", name, r.Output)}
}

// Context is the SELinux context the battery process reported, "" if none.
func (r *ConfinedRun) Context() string { return r.Ops["context"].Detail }

// PidfdFileAVCs are the AVC lines about a pidfd as a file (the 2024
// regression: { read write open } … path="pidfd:[709]" dev="pidfs"
// tclass=file): lines naming pidfs or a pidfd, except the superblock
// checks (tclass=filesystem, e.g. fstatfs), which S_PRIVATE never covered.
func (r *ConfinedRun) PidfdFileAVCs() []string {
	var out []string
	for _, l := range r.AVCs {
		if (strings.Contains(l, "pidfs") || strings.Contains(l, "pidfd")) && !strings.Contains(l, "tclass=filesystem") {
			out = append(out, l)
		}
	}
	return out
}

// FilesystemAVCs are the AVC lines of superblock checks on the pidfd's
// filesystem (tclass=filesystem naming dev="pidfs" or "anon_inodefs").
func (r *ConfinedRun) FilesystemAVCs() []string {
	var out []string
	for _, l := range r.AVCs {
		if strings.Contains(l, "tclass=filesystem") && (strings.Contains(l, `dev="pidfs"`) || strings.Contains(l, `dev="anon_inodefs"`)) {
			out = append(out, l)
		}
	}
	return out
}

// RunConfined runs the pidfd battery (roles.go) in domain d: a
// helper (this binary, as the test's own domain, kernel_t in the VM) mounts
// a private tmpfs, places labelled copies of the binary there and executes
// the init_exec_t copy (→ init_t), which executes the d.ExecType copy
// (→ d.Domain). Results come back through pipes: the confined process
// writes to a pipe its init_t parent created, which relays them to the
// launcher's stdout. The kernel log (/dev/kmsg) is read before and after
// for AVC lines. No process outlives the call.
func RunConfined(ctx context.Context, d ConfinedDomain) (*ConfinedRun, error) {
	exe, err := kernel.SelfExecutable()
	if err != nil {
		return nil, err
	}
	kmsg, kerr := openKmsgAtEnd()
	if kerr == nil {
		defer unix.Close(kmsg)
	}
	ctx, cancel := context.WithTimeout(ctx, 4*helpers.EventTimeout())
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, d.Domain, d.ExecType)
	cmd.Env = helpers.RoleEnviron(roleSELinuxLaunch)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = helpers.EventTimeout()
	runErr := cmd.Run()
	run := &ConfinedRun{Domain: d, Output: out.String(), Ops: parseConfinedOutput(out.String())}
	if kerr == nil {
		run.AVCs = readKmsgAVCs(kmsg)
	} else {
		run.AVCs = []string{"(kernel log unreadable: " + kerr.Error() + ")"}
	}
	if runErr != nil {
		return run, fmt.Errorf("confined run in %s: %v (output:\n%s)", d.Domain, runErr, run.Output)
	}
	return run, nil
}

// parseConfinedOutput reads "<name> ok <detail>" / "<name> err ERRNO text" lines.
func parseConfinedOutput(s string) map[string]ConfinedOp {
	ops := map[string]ConfinedOp{}
	for _, l := range strings.Split(s, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(l), " ")
		if !ok || (!strings.HasPrefix(rest, "ok") && !strings.HasPrefix(rest, "err ")) {
			continue
		}
		r, err := helpers.ParseReply(rest, nil)
		ops[name] = ConfinedOp{Err: err, Detail: r.Text}
	}
	return ops
}

// openKmsgAtEnd opens /dev/kmsg non-blocking, positioned after the last record.
func openKmsgAtEnd() (int, error) {
	fd, err := unix.Open("/dev/kmsg", unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	if _, err := unix.Seek(fd, 0, unix.SEEK_END); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// readKmsgAVCs returns the new records containing "avc:". Without an audit
// daemon the kauditd thread prints audit records to the kernel log
// asynchronously, so reading stops only after the log stayed quiet for
// helpers.QuietWindow().
func readKmsgAVCs(fd int) []string {
	var out []string
	buf := make([]byte, 8192)
	for {
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EPIPE) { // records overwritten: keep reading
			continue
		}
		if errors.Is(err, unix.EAGAIN) {
			if ev, _ := kernel.PollOnce(fd, helpers.QuietWindow()); ev&unix.POLLIN == 0 {
				return out
			}
			continue
		}
		if err != nil || n <= 0 {
			return out
		}
		rec := string(buf[:n])
		if _, msg, ok := strings.Cut(rec, ";"); ok {
			rec = msg
		}
		if strings.Contains(rec, "avc:") {
			out = append(out, strings.TrimSpace(rec))
		}
	}
}
