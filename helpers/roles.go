package helpers

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// peerFd is where every helper finds its Peer (the first ExtraFiles entry).
const peerFd = 3

// A Role is the body of a helper process; it returns the exit code.
type Role func(p *Peer, args []string) int

var roles = map[string]Role{}

// RegisterRole makes a role available to StartChild; call it from a var
// initialiser so it is registered before Main dispatches.
func RegisterRole(name string, r Role) string {
	if _, dup := roles[name]; dup {
		panic("helper role registered twice: " + name)
	}
	roles[name] = r
	return name
}

func init() {
	// Keep the main goroutine on the main thread (LockOSThread in init is
	// the documented way): a role that makes its leader exit needs that, and
	// in the test process it keeps the leader out of reach of the goroutines
	// StartThread locks, which must land on non-leader threads.
	runtime.LockOSThread()
}

// Main is every suite's TestMain: in a helper it runs the role and exits
// before Ginkgo parses a flag; otherwise it runs the tests.
func Main(m *testing.M) {
	if name := os.Getenv(kernel.RoleEnv); name != "" {
		role, ok := roles[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown helper role %q (known: %v)\n", name, roleNames())
			os.Exit(125)
		}
		os.Exit(role(peerFromFd(peerFd), os.Args[1:]))
	}
	os.Exit(m.Run())
}

func roleNames() []string {
	names := make([]string, 0, len(roles))
	for n := range roles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// RoleEnviron is this process's environment with the role set to role
// (replaced, not appended: raw StartProcess does not deduplicate).
func RoleEnviron(role string) []string {
	env := []string{kernel.RoleEnv + "=" + role}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, kernel.RoleEnv+"=") {
			env = append(env, kv)
		}
	}
	return env
}
