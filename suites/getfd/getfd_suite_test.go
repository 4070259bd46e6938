package getfd_test

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/helpers"
)

func TestMain(m *testing.M) { helpers.Main(m) }

func TestGetfd(t *testing.T) { helpers.RunSuite(t, "getfd") }
