// Command pidfdconf-role is the suites' helper processes without the suites:
// every role (internal/role's, each suite's suites/<area>/roles and
// helpers/selinux/roles) in a binary without Ginkgo or Gomega that starts
// fast. The suites exec it when $PIDFDCONF_ROLE_BINARY names it (the
// Makefile, bench and the VM's /init set it), and re-execute themselves
// otherwise. The test keeps its roles those of the suites program.
package main

import (
	"fmt"
	"os"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"

	// Every package of roles: main_test.go checks them against the suites'.
	_ "github.com/pidfdconf/pidfdconf/helpers/selinux/roles"
	_ "github.com/pidfdconf/pidfdconf/suites/clone/roles"
	_ "github.com/pidfdconf/pidfdconf/suites/coredump/roles"
	_ "github.com/pidfdconf/pidfdconf/suites/fanotify/roles"
	_ "github.com/pidfdconf/pidfdconf/suites/getfd/roles"
	_ "github.com/pidfdconf/pidfdconf/suites/mm/roles"
	_ "github.com/pidfdconf/pidfdconf/suites/open/roles"
	_ "github.com/pidfdconf/pidfdconf/suites/pidfs/roles"
	_ "github.com/pidfdconf/pidfdconf/suites/poll/roles"
	_ "github.com/pidfdconf/pidfdconf/suites/seccomp/roles"
	_ "github.com/pidfdconf/pidfdconf/suites/signal/roles"
)

func main() {
	role.RunIfHelper()
	fmt.Fprintf(os.Stderr, "pidfdconf-role runs a helper role named in $%s for a suite; it is not meant to be run by hand\n", kernel.RoleEnv)
	os.Exit(2)
}
