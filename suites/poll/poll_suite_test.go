package poll_test

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/helpers"
)

func TestMain(m *testing.M) { helpers.Main(m) }

func TestPoll(t *testing.T) { helpers.RunSuite(t, "poll") }
