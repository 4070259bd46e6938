package setns_test

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/helpers"
)

func TestMain(m *testing.M) { helpers.Main(m) }

func TestSetns(t *testing.T) { helpers.RunSuite(t, "setns") }
