package clone_test

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/helpers"
)

func TestMain(m *testing.M) { helpers.Main(m) }

func TestClone(t *testing.T) { helpers.RunSuite(t, "clone") }
