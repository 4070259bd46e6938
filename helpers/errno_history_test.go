package helpers

import (
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

func TestErrnoHistoryAccepted(t *testing.T) {
	nonLeader := ErrnoHistory{{"5.3", unix.EINVAL}, {"6.16", unix.ENOENT}}
	cases := map[string][]unix.Errno{
		"6.1.0-50-cloud-amd64": {unix.EINVAL, unix.ENOENT},
		"6.15.9":               {unix.EINVAL, unix.ENOENT},
		"6.16.0":               {unix.ENOENT},
		"6.18.44-fc-v769":      {unix.ENOENT},
	}
	for release, want := range cases {
		if got := nonLeader.Accepted(kernel.MustParseVersion(release)); !slices.Equal(got, want) {
			t.Errorf("%s: Accepted = %v, want %v", release, got, want)
		}
	}
}
