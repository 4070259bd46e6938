package coredump_test

import (
	"os"
	"testing"

	"github.com/pidfdconf/pidfdconf/helpers"
)

// The kernel runs this binary as the core_pattern pipe helper, with
// sinkArg first (see roles_test.go): no test runs then.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == sinkArg {
		os.Exit(runSink(os.Args[2:]))
	}
	helpers.Main(m)
}

func TestCoredump(t *testing.T) { helpers.RunSuite(t, "coredump") }
