// Package selinux runs the pidfd battery in confined SELinux domains: a
// helper labels copies of its own binary and executes them through init_t
// into refpolicy daemon domains, and reports what each operation returned
// and which AVC denials the kernel logged. Only suites/pidfs uses it.
package selinux

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/selinux/roles"
	"github.com/pidfdconf/pidfdconf/internal/audit"
	"github.com/pidfdconf/pidfdconf/internal/role"
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

// ConfinedOp is one operation's outcome in the confined process: Err is
// nil or an error wrapping the errno, Detail what it printed on success.
type ConfinedOp struct {
	Err    error
	Detail string
}

// ConfinedRun is what one run of the pidfd battery in a confined domain saw.
type ConfinedRun struct {
	Domain ConfinedDomain
	Ops    map[string]ConfinedOp // by operation name, see selinuxroles
	Output string                // raw lines from all three hops
	// AVCs are the AVC audit records the kernel made during the run, read
	// from the audit netlink socket (internal/audit), all of them or
	// AuditErr says why not.
	AVCs     []string
	AuditErr error
	Audit    string // how the records were read, for reports
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

// PidfdFileAVCs are the confined domain's AVC lines about a pidfd as a
// file (the 2024 regression: { read write open } … path="pidfd:[709]"
// dev="pidfs" tclass=file): an object on pidfs or a path naming a pidfd,
// except the superblock checks (tclass=filesystem, e.g. fstatfs), which
// S_PRIVATE never covered.
func (r *ConfinedRun) PidfdFileAVCs() []string {
	var out []string
	for _, l := range r.domainAVCs() {
		if (strings.Contains(l, `dev="pidfs"`) || strings.Contains(l, `path="pidfd:`) || strings.Contains(l, `path="anon_inode:[pidfd]"`)) && !strings.Contains(l, "tclass=filesystem") {
			out = append(out, l)
		}
	}
	return out
}

// FilesystemAVCs are the confined domain's AVC lines of superblock checks
// on the pidfd's filesystem (tclass=filesystem naming dev="pidfs" or
// "anon_inodefs").
func (r *ConfinedRun) FilesystemAVCs() []string {
	var out []string
	for _, l := range r.domainAVCs() {
		if strings.Contains(l, "tclass=filesystem") && (strings.Contains(l, `dev="pidfs"`) || strings.Contains(l, `dev="anon_inodefs"`)) {
			out = append(out, l)
		}
	}
	return out
}

// domainAVCs are the AVC lines whose subject (scontext) runs in the
// confined domain. The audit socket carries every record the kernel makes
// while the battery runs, and in the VM other suites run beside it: their
// processes' denials (kernel_t's checkpoint_restore when a pid namespace
// init writes ns_last_pid) are not the battery's. A record is matched on
// its fields, never on comm=, which names the binary ("pidfdconf-role").
func (r *ConfinedRun) domainAVCs() []string {
	var out []string
	for _, l := range r.AVCs {
		if subjectType(l) == r.Domain.Domain {
			out = append(out, l)
		}
	}
	return out
}

// subjectType is the type of an AVC line's scontext (user:role:type:level),
// "" when the line has none.
func subjectType(avc string) string {
	_, rest, ok := strings.Cut(avc, " scontext=")
	if !ok {
		return ""
	}
	ctx, _, _ := strings.Cut(rest, " ")
	if parts := strings.Split(ctx, ":"); len(parts) >= 3 {
		return parts[2]
	}
	return ""
}

// RunConfined runs the pidfd battery (selinuxroles) in domain d: a
// helper (in the test's own domain, kernel_t in the VM) mounts
// a private tmpfs, places labelled copies of the binary there and executes
// the init_exec_t copy (→ init_t), which executes the d.ExecType copy
// (→ d.Domain). Results come back through pipes: the confined process
// writes to a pipe its init_t parent created, which relays them to the
// launcher's stdout. The test process listens to the kernel's audit records
// while it runs (as the audit daemon, internal/audit) and keeps the AVCs;
// a failure to read them all is in AuditErr. No process outlives the call.
func RunConfined(ctx context.Context, d ConfinedDomain) (*ConfinedRun, error) {
	exe, err := role.Executable(selinuxroles.Launch)
	if err != nil {
		return nil, err
	}
	run := &ConfinedRun{Domain: d}
	records, auditErr := audit.Listen(helpers.EventTimeout())
	if auditErr == nil {
		defer records.Close()
		run.Audit = records.Mode()
	}
	ctx, cancel := context.WithTimeout(ctx, 4*helpers.EventTimeout())
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, d.Domain, d.ExecType)
	cmd.Env = helpers.RoleEnviron(selinuxroles.Launch)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = helpers.EventTimeout()
	runErr := cmd.Run()
	run.Output, run.Ops = out.String(), parseConfinedOutput(out.String())
	if auditErr == nil {
		// The battery's processes have exited: each of their records was
		// queued when it was made, so all of them come before the mark
		// Collect waits for.
		var got []audit.Record
		got, auditErr = records.Collect(helpers.EventTimeout())
		for _, r := range got {
			if r.Type == unix.AUDIT_AVC {
				run.AVCs = append(run.AVCs, r.Text)
			}
		}
	}
	if auditErr != nil {
		run.AuditErr = fmt.Errorf("the AVC records of the run in %s are not all known: %w", d.Domain, auditErr)
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
