package role

import (
	"fmt"
	"strings"
)

// ListRoles prints the roles of the program it runs from, one a line: a
// test compares the role binary's with the suites program's, so a role
// the role binary lacks fails a unit test rather than a VM run.
var ListRoles = Register("list-roles", func(*Channel, []string) int {
	fmt.Println(strings.Join(Names(), "\n"))
	return 0
})
