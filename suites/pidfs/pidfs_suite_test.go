package pidfs_test

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/helpers"
)

func TestMain(m *testing.M) { helpers.Main(m) }

func TestPidfs(t *testing.T) { helpers.RunSuite(t, "pidfs") }
