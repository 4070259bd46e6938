package signal_test

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/helpers"
)

func TestMain(m *testing.M) { helpers.Main(m) }

func TestSignal(t *testing.T) { helpers.RunSuite(t, "signal") }
