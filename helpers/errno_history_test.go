package helpers

import (
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

func TestErrnoHistoryAccepted(t *testing.T) {
	nonLeader := ErrnoHistory{{Since: "5.3", Errno: unix.EINVAL}, {Since: "6.16", Errno: unix.ENOENT}}
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

// The errno for a process outside the caller's pid namespace: EREMOTE since
// v7.0, backported to 6.18.14 and 6.19.10; ESRCH before on those branches.
func TestErrnoHistoryBackports(t *testing.T) {
	outside := ErrnoHistory{
		{Since: "6.13", Errno: unix.ESRCH},
		{Since: "7.0", Backports: []string{"6.18.14", "6.19.10"}, Errno: unix.EREMOTE},
	}
	cases := map[string][]unix.Errno{
		"6.13.0":                    {unix.ESRCH, unix.EREMOTE},
		"6.17.13+deb13-cloud-amd64": {unix.ESRCH, unix.EREMOTE},
		"6.18.0":                    {unix.ESRCH, unix.EREMOTE},
		"6.18.13":                   {unix.ESRCH, unix.EREMOTE},
		"6.18.14":                   {unix.EREMOTE},
		"6.18.44-fc-v782":           {unix.EREMOTE},
		"6.19.9":                    {unix.ESRCH, unix.EREMOTE},
		"6.19.10":                   {unix.EREMOTE},
		"7.0.0-rc1":                 {unix.EREMOTE},
		"7.3.4+deb13-cloud-amd64":   {unix.EREMOTE},
	}
	for release, want := range cases {
		if got := outside.Accepted(kernel.MustParseVersion(release)); !slices.Equal(got, want) {
			t.Errorf("%s: Accepted = %v, want %v", release, got, want)
		}
	}
}
