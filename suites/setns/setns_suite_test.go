package setns_test

import (
	"testing"

	// The ginkgo CLI runs a package as a Ginkgo suite (--dry-run, the
	// reporters) only when one of its test files imports Ginkgo.
	_ "github.com/onsi/ginkgo/v2"

	"github.com/pidfdconf/pidfdconf/helpers"
	_ "github.com/pidfdconf/pidfdconf/suites/setns"
)

func TestMain(m *testing.M) { helpers.Main(m) }

func TestSetns(t *testing.T) { helpers.RunSuite(t, "setns") }
