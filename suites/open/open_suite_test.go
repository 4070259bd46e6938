package open_test

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/helpers"
)

func TestMain(m *testing.M) { helpers.Main(m) }

func TestOpen(t *testing.T) { helpers.RunSuite(t, "open") }
