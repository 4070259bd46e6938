package role

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// Every role runs from the role binary when it is named, from the suite
// binary otherwise; a role this program does not have runs from neither.
func TestExecutableChoosesTheRoleBinaryWhenNamed(t *testing.T) {
	suiteRole := Register("test-suite-role", func(*Channel, []string) int { return 0 })
	t.Setenv(kernel.SuiteBinaryEnv, "/suite.test")

	t.Setenv(kernel.RoleBinaryEnv, "")
	for _, name := range []string{Process, suiteRole} {
		if exe, _ := Executable(name); exe != "/suite.test" {
			t.Errorf("without a role binary, %s runs from %s, want the suite", name, exe)
		}
	}
	t.Setenv(kernel.RoleBinaryEnv, "/pidfdconf-role")
	for _, name := range []string{Process, Sigwait, PidNSInit, ReuseWitness, suiteRole} {
		if exe, _ := Executable(name); exe != "/pidfdconf-role" {
			t.Errorf("%s runs from %s, want the role binary", name, exe)
		}
	}
	if exe, err := Executable("no-such-role"); err == nil {
		t.Errorf("an unknown role runs from %s, want an error", exe)
	}
}
