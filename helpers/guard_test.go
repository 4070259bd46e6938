package helpers

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// guardFixtureEnv makes TestGuardFixture run its specs; only
// TestEverySpecIsGuarded sets it, in a child, since a process runs
// RunSpecs once.
const guardFixtureEnv = "PIDFDCONF_GUARD_FIXTURE"

// Every spec runs beforeEverySpec: a spec that leaves an fd open fails
// for it, one that does not passes, and the serial lock is let go after
// each, the failed one included.
func TestEverySpecIsGuarded(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestGuardFixture$")
	cmd.Env = append(os.Environ(), guardFixtureEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the fixture passed although one of its specs leaks an fd:\n%s", out)
	}
	for _, want := range []string{
		"SPEC passes: passed",
		"LOCK held in a spec: true",
		"SPEC leaks an fd: failed: the spec leaked: fd ",
		"LOCK held after the run: false",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the fixture's output lacks %q:\n%s", want, out)
		}
	}
}

func TestGuardFixture(t *testing.T) {
	if os.Getenv(guardFixtureEnv) == "" {
		t.Skip("runs only in TestEverySpecIsGuarded's child")
	}
	openSerialLock()
	BeforeEach(beforeEverySpec)
	var leaked *os.File
	Describe("the guard", Ordered, func() {
		It("passes", func() { fmt.Println("LOCK held in a spec:", serialLockHeld()) })
		It("leaks an fd", func() { leaked, _ = os.Open("/dev/null") })
	})
	ReportAfterSuite("the fixture's findings", func(r Report) {
		for _, s := range r.SpecReports.WithLeafNodeType(types.NodeTypeIt) {
			line := fmt.Sprintf("SPEC %s: %s", s.LeafNodeText, s.State)
			if s.Failure.Message != "" {
				line += ": " + s.Failure.Message
			}
			fmt.Println(line)
		}
		fmt.Println("LOCK held after the run:", serialLockHeld())
	})
	RunSpecs(t, "guard fixture")
	leaked.Close()
}

// serialLockHeld reports whether this process holds the serial lock: the
// kernel lists an fd's flocks in its fdinfo.
func serialLockHeld() bool {
	info, _ := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", serialLock.main.Fd()))
	return strings.Contains(string(info), "FLOCK")
}
