// Command pidfdconf-role is the suites' helper processes without the suites:
// the roles of internal/role (process, sigwait, pidns-init, the reuse
// witness) in a binary that starts fast. The suites exec it when
// $PIDFDCONF_ROLE_BINARY names it (the Makefile, bench and the VM's /init
// set it), and re-execute themselves otherwise.
package main

import (
	"fmt"
	"os"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

func main() {
	role.RunIfHelper()
	fmt.Fprintf(os.Stderr, "pidfdconf-role runs a helper role named in $%s for a suite; it is not meant to be run by hand\n", kernel.RoleEnv)
	os.Exit(2)
}
