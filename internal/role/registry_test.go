package role

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// A suite's own role must never be sent to the role binary, which does not
// have it; this package's roles go there only when it is named.
func TestExecutableChoosesTheBinaryThatHasTheRole(t *testing.T) {
	suiteRole := Register("test-suite-role", func(*Channel, []string) int { return 0 })
	t.Setenv(kernel.SuiteBinaryEnv, "/suite.test")

	t.Setenv(kernel.RoleBinaryEnv, "")
	for _, name := range []string{Process, suiteRole} {
		if exe, _ := Executable(name); exe != "/suite.test" {
			t.Errorf("without a role binary, %s runs from %s, want the suite", name, exe)
		}
	}
	t.Setenv(kernel.RoleBinaryEnv, "/pidfdconf-role")
	for name, want := range map[string]string{Process: "/pidfdconf-role", Sigwait: "/pidfdconf-role",
		PidNSInit: "/pidfdconf-role", ReuseWitness: "/pidfdconf-role", suiteRole: "/suite.test"} {
		if exe, _ := Executable(name); exe != want {
			t.Errorf("%s runs from %s, want %s", name, exe, want)
		}
	}
}
