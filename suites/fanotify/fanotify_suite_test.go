package fanotify_test

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/helpers"
)

func TestMain(m *testing.M) { helpers.Main(m) }

func TestFanotify(t *testing.T) { helpers.RunSuite(t, "fanotify") }
