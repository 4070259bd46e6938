package helpers

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestBeErrnoNamesBothSides(t *testing.T) {
	m := BeErrno(unix.EINVAL, unix.ENOENT)
	for _, c := range []struct {
		err  error
		ok   bool
		want string
	}{
		{unix.EINVAL, true, ""},
		{fmt.Errorf("wrapped: %w", unix.ENOENT), true, ""},
		{unix.ESRCH, false, "Expected EINVAL or ENOENT, got ESRCH"},
		{nil, false, "Expected EINVAL or ENOENT, got success"},
	} {
		ok, err := m.Match(c.err)
		if err != nil || ok != c.ok {
			t.Errorf("Match(%v) = %v, %v; want %v", c.err, ok, err, c.ok)
		}
		if !ok && !strings.Contains(m.FailureMessage(c.err), c.want) {
			t.Errorf("FailureMessage(%v) = %q; want it to contain %q", c.err, m.FailureMessage(c.err), c.want)
		}
	}
}

func TestHavePollEventsNamesBits(t *testing.T) {
	m := HavePollEvents(unix.POLLIN | unix.POLLHUP)
	if ok, _ := m.Match(int16(unix.POLLIN | unix.POLLHUP)); !ok {
		t.Fatal("exact bits must match")
	}
	if ok, _ := m.Match(int16(unix.POLLIN)); ok {
		t.Fatal("a missing POLLHUP must not match")
	}
	if msg := m.FailureMessage(int16(unix.POLLIN)); !strings.Contains(msg, "Expected poll events POLLIN|POLLHUP, got POLLIN") {
		t.Errorf("FailureMessage = %q", msg)
	}
}
