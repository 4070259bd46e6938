package seccomp_test

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/helpers"
)

func TestMain(m *testing.M) { helpers.Main(m) }

func TestSeccomp(t *testing.T) { helpers.RunSuite(t, "seccomp") }
