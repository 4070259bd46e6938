package role

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// inheritedChannelFd is where every helper finds its Channel (the first ExtraFiles entry).
const inheritedChannelFd = 3

// kernel.RoleBinaryEnv names the role binary (cmd/pidfdconf-role): every
// role, this package's and each suite's (suites/<area>/roles), linked
// without Ginkgo, Gomega and the specs. A suite binary is ~20 MB whose
// start-up (package inits, page faults) costs about 20 ms more natively,
// and far more under TCG, and the suites start a few hundred helpers.
// Unset, every helper is the suite binary re-executed: the same code, only
// slower. cmd/pidfdconf-role's test keeps the two sets of roles equal.
//
// kernel.SuiteBinaryEnv names the suite binary (RunIfHelper records it in
// the test process): without a role binary every helper, and every helper
// a helper starts, runs the test's own binary.

// A Role is the body of a helper process; it returns the exit code.
type Role func(p *Channel, args []string) int

var roles = map[string]Role{}

// Register makes a role available to helpers; call it from a var
// initialiser so it is registered before Main dispatches.
func Register(name string, r Role) string {
	if _, dup := roles[name]; dup {
		panic("helper role registered twice: " + name)
	}
	roles[name] = r
	return name
}

// RegisterWithC is Register for a role that cmd/pidfdconf-role-c has too
// (the table in its role.c names it): CBinary starts that one.
func RegisterWithC(name string, r Role) string {
	cRoles = append(cRoles, name)
	return Register(name, r)
}

// RegisterCOnly names a role only cmd/pidfdconf-role-c has, one that no
// Go process can play; its users ask CBinary for it first.
func RegisterCOnly(name string) string {
	cRoles = append(cRoles, name)
	return name
}

func init() {
	// Keep the main goroutine on the main thread (LockOSThread in init is
	// the documented way): a role that makes its leader exit needs that, and
	// in the test process it keeps the leader out of reach of the goroutines
	// that lock threads of their own, which must land on non-leader threads.
	runtime.LockOSThread()
}

// RunIfHelper runs the role named in the environment and exits; it returns
// only in a process that is not a helper, where it names this binary for
// the helpers (kernel.SuiteBinaryEnv).
func RunIfHelper() {
	name := os.Getenv(kernel.RoleEnv)
	if name == "" {
		if exe, err := kernel.SelfExecutable(); err == nil {
			os.Setenv(kernel.SuiteBinaryEnv, exe)
		}
		return
	}
	r, ok := roles[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown helper role %q (known: %v)\n", name, Names())
		os.Exit(125)
	}
	os.Exit(r(channelFromFd(inheritedChannelFd), os.Args[1:]))
}

// Names are the roles this program has, sorted.
func Names() []string {
	var out []string
	for n := range roles {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Executable is the binary to exec for a helper in role name: the C one
// for the roles it has (CBinary), else Binary; a role this program does
// not have is an error, not a helper that dies with "unknown helper role".
func Executable(name string) (string, error) {
	if bin := CBinary(name); bin != "" {
		return bin, nil
	}
	if _, ok := roles[name]; !ok {
		if slices.Contains(cRoles, name) {
			return "", fmt.Errorf("helper role %q is only in cmd/pidfdconf-role-c, and $%s names no such program", name, kernel.RoleCBinaryEnv)
		}
		return "", fmt.Errorf("no helper role %q in this program (known: %v)", name, Names())
	}
	return Binary()
}

// CBinary is cmd/pidfdconf-role-c when kernel.RoleCBinaryEnv names it and
// it has role name (CRoles), else "". It starts in a third of the time a
// Go helper takes under emulation (no runtime to set up), and the suites
// start these roles most; cmd/pidfdconf-role/croles_test.go holds it to
// the Go roles' behaviour.
func CBinary(name string) string {
	if !slices.Contains(cRoles, name) {
		return ""
	}
	return os.Getenv(kernel.RoleCBinaryEnv)
}

// cRoles are the roles registered with RegisterWithC.
var cRoles []string

// CRoles are the roles cmd/pidfdconf-role-c has, sorted.
func CRoles() []string { return slices.Sorted(slices.Values(cRoles)) }

// Binary is the program helpers run from: the role binary when
// kernel.RoleBinaryEnv names one, else the suite binary.
func Binary() (string, error) {
	if bin := os.Getenv(kernel.RoleBinaryEnv); bin != "" {
		return bin, nil
	}
	if suite := os.Getenv(kernel.SuiteBinaryEnv); suite != "" {
		return suite, nil
	}
	return kernel.SelfExecutable()
}

// Environ is this process's environment with the role set to name and
// GOMAXPROCS to 1 (replaced, not appended: raw StartProcess does not
// deduplicate). A role runs Go code on one thread at a time: its other
// threads block in syscalls, which needs no P. With one P the runtime
// starts fewer threads and never spins looking for work, a cost every
// helper pays at its start, and the suites start hundreds: a helper's
// start to exit took 29 ms under TCG with the default, 24 ms with 1.
func Environ(name string) []string {
	env := []string{kernel.RoleEnv + "=" + name, helperMaxProcs}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, kernel.RoleEnv+"=") && !strings.HasPrefix(kv, "GOMAXPROCS=") {
			env = append(env, kv)
		}
	}
	return env
}

const helperMaxProcs = "GOMAXPROCS=1"
