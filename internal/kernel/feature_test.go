package kernel

import (
	"errors"
	"strings"
	"testing"
)

func TestDecide(t *testing.T) {
	missing := errors.New("EINVAL")
	thread := &Feature{Name: "PIDFD_THREAD", Since: "6.9"}
	pidns := &Feature{Name: "pid namespaces", Since: "2.6.24", Config: "CONFIG_PID_NS"}
	cases := []struct {
		name    string
		f       *Feature
		kernel  string
		err     error
		allow   []string
		want    Verdict
		message string
	}{
		{"present runs", thread, "6.18.44-fc-v769", nil, nil, Run, ""},
		{"backport on an old kernel runs", thread, "6.1.0-50-cloud-amd64", nil, nil, Run, ""},
		{"missing on an old kernel skips", thread, "6.1.0-50-cloud-amd64", missing, nil, SkipSpec, "requires PIDFD_THREAD (since v6.9); running 6.1.0"},
		{"missing on a new kernel fails", thread, "6.18.44-fc-v769", missing, nil, FailSpec, "PIDFD_THREAD is missing on 6.18.44"},
		{"missing on a release candidate fails", thread, "7.1.0-rc2", missing, nil, FailSpec, "missing on 7.1.0"},
		{"allowlisted gap skips", thread, "6.18.44", missing, []string{"other", "PIDFD_THREAD"}, SkipSpec, "known gap (allowlisted"},
		{"config option skips", pidns, "6.18.44", missing, nil, SkipSpec, "CONFIG_PID_NS is not enabled, or not active"},
	}
	for _, c := range cases {
		got, msg := c.f.Decide(MustParseVersion(c.kernel), c.err, c.allow)
		if got != c.want || !strings.Contains(msg, c.message) {
			t.Errorf("%s: Decide = %v %q; want %v containing %q", c.name, got, msg, c.want, c.message)
		}
	}
}

func TestRegistryNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range registry {
		if seen[f.Name] {
			t.Errorf("feature %q registered twice", f.Name)
		}
		seen[f.Name] = true
		MustParseVersion(f.Since)
	}
}
