package helpers

import (
	"os"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/role"
)

// The helper-process plumbing lives in internal/role, and every role in a
// package without Ginkgo (internal/role, suites/<area>/roles,
// helpers/selinux/roles) that the role binary (cmd/pidfdconf-role) links:
// a role defined beside the specs would make its helpers exec the suite
// binary. The specs use the plumbing through these names.
type (
	// A Channel is one end of the socket between the test and a helper.
	Channel = role.Channel
	// Reply is a helper's answer.
	Reply = role.Reply
)

var (
	// RoleEnviron is this process's environment with the role set.
	RoleEnviron    = role.Environ
	NewChannelPair = role.NewChannelPair
	ParseReply     = role.ParseReply
	// RoleProcess is the general helper (internal/role lists its commands).
	RoleProcess = role.Process
)

// RoleNone asks a pid reuse staging for a process without a role: a
// blocked clone (StartBlocked) that only holds its pid number, for a
// successor that need not cooperate. No role has this name, so StartChild
// refuses it.
const RoleNone = "(none)"

// Main is every suite's TestMain: in a helper it runs the role and exits
// before Ginkgo parses a flag; otherwise it runs the tests (as a kselftest
// program in the collection's build, see kselftest.go).
func Main(m *testing.M) {
	role.RunIfHelper()
	if kselftestBuild != "" {
		os.Exit(runAsKselftest(m))
	}
	os.Exit(m.Run())
}
