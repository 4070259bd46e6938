package helpers

import (
	"os"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/role"
)

// The helper-process plumbing lives in internal/role, which the role binary
// (cmd/pidfdconf-role) links without Ginkgo; the suites use it through
// these names.
type (
	// A Role is the body of a helper process; it returns the exit code.
	Role = role.Role
	// A Channel is one end of the socket between the test and a helper.
	Channel = role.Channel
	// Reply is a helper's answer.
	Reply = role.Reply
	// A Command is one command a role serves.
	Command = role.Command
	// A Request is one received command.
	Request = role.Request
)

var (
	// RegisterRole makes a role available to StartChild; call it from a var
	// initialiser so it is registered before Main dispatches.
	RegisterRole = role.Register
	// RoleEnviron is this process's environment with the role set.
	RoleEnviron = role.Environ
	// RoleExecutable is the binary to exec for a helper in a role.
	RoleExecutable = role.Executable
	NewChannelPair = role.NewChannelPair
	ParseReply     = role.ParseReply
	Answer         = role.Answer
	Serve          = role.Serve
	ErrNoReply     = role.ErrNoReply
	// RoleProcess is the general helper (internal/role lists its commands).
	RoleProcess = role.Process
)

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
