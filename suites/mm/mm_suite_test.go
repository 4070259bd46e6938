package mm_test

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/helpers"
)

func TestMain(m *testing.M) { helpers.Main(m) }

func TestMM(t *testing.T) { helpers.RunSuite(t, "mm") }
