package main

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// The role binary exists to start without Ginkgo's and Gomega's package
// inits and pages: a roles package that pulls them in (through helpers,
// say) undoes it silently.
func TestLinksNeitherGinkgoNorGomega(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/onsi/") {
			t.Errorf("the role binary links %s", pkg)
		}
	}
}

// Every role the suites program (every suite) has, the role binary has
// too, and no other: a role defined where the role binary does not link
// it would send its helpers to a role binary that answers "unknown helper
// role". The program is built, as the VM image builds it, and asked.
func TestHasEveryRoleOfTheSuites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program of every suite")
	}
	program := filepath.Join(t.TempDir(), "pidfdconf-suites")
	if out, err := exec.Command("go", "build", "-o", program, "../pidfdconf-suites").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(program)
	cmd.Env = role.Environ(role.ListRoles)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s in role %s: %v", program, role.ListRoles, err)
	}
	suites, own := strings.Fields(string(out)), role.Names()
	for _, name := range suites {
		if !slices.Contains(own, name) {
			t.Errorf("the suites have role %s, the role binary does not: move it to a package of roles that main.go imports", name)
		}
	}
	for _, name := range own {
		if !slices.Contains(suites, name) {
			t.Errorf("the role binary has role %s, the suites do not", name)
		}
	}
	if len(suites) < 2 {
		t.Errorf("the suites program lists roles %q; want every role (is %s still set?)", suites, kernel.RoleEnv)
	}
}
