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
	t.Setenv(kernel.RoleCBinaryEnv, "")

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

// Process, Sigwait and PidNSInit run from the C role binary when it is
// named, every other role from the role binary still.
func TestExecutableChoosesTheCRoleBinaryForItsRoles(t *testing.T) {
	t.Setenv(kernel.RoleBinaryEnv, "/pidfdconf-role")
	t.Setenv(kernel.RoleCBinaryEnv, "/pidfdconf-role-c")
	for name, want := range map[string]string{Process: "/pidfdconf-role-c", Sigwait: "/pidfdconf-role-c",
		PidNSInit: "/pidfdconf-role-c", ReuseWitness: "/pidfdconf-role-c", ListRoles: "/pidfdconf-role"} {
		if exe, err := Executable(name); exe != want || err != nil {
			t.Errorf("%s runs from %s (%v), want %s", name, exe, err, want)
		}
	}
}

// A helper's environment names its role and GOMAXPROCS=1 once each, over
// whatever this process has, and keeps the rest.
func TestEnvironSetsTheRoleAndOneP(t *testing.T) {
	t.Setenv(kernel.RoleEnv, "parent-role")
	t.Setenv("GOMAXPROCS", "4")
	t.Setenv("PIDFDCONF_TEST_KEPT", "yes")
	count := map[string]int{}
	for _, kv := range Environ(Process) {
		count[kv]++
	}
	for _, want := range []string{kernel.RoleEnv + "=" + Process, "GOMAXPROCS=1", "PIDFDCONF_TEST_KEPT=yes"} {
		if count[want] != 1 {
			t.Errorf("%s appears %d times in the helper's environment, want once", want, count[want])
		}
	}
	for _, gone := range []string{kernel.RoleEnv + "=parent-role", "GOMAXPROCS=4"} {
		if count[gone] != 0 {
			t.Errorf("the helper's environment keeps %s", gone)
		}
	}
}
