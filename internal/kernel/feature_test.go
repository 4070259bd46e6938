package kernel

import (
	"errors"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

func TestDecide(t *testing.T) {
	missing := errors.New("EINVAL")
	thread := &Feature{Name: "PIDFD_THREAD", Since: "6.9"}
	builtWithout := &Option{Name: "CONFIG_FHANDLE", sign: func() (bool, string) { return true, "name_to_handle_at(2) is ENOSYS" }}
	builtWith := &Option{Name: "CONFIG_FHANDLE", sign: func() (bool, string) { return false, "" }}
	// Decide on the signs alone, whatever the host's own config says.
	for _, o := range []*Option{builtWithout, builtWith} {
		o.once.Do(func() { o.off = o.decide(map[string]string{}) })
	}
	handlesOff := &Feature{Name: "pidfs file handles", Since: "6.14", Needs: []*Option{builtWithout}}
	handlesOn := &Feature{Name: "pidfs file handles", Since: "6.14", Needs: []*Option{builtWith}}
	cases := []struct {
		name    string
		f       *Feature
		kernel  string
		err     error
		allow   []string
		want    Verdict
		class   outcome.SkipClass
		message string
	}{
		{"present runs", thread, "6.18.44-fc-v769", nil, nil, Run, "", ""},
		{"backport on an old kernel runs", thread, "6.1.0-50-cloud-amd64", nil, nil, Run, "", ""},
		{"missing on an old kernel skips", thread, "6.1.0-50-cloud-amd64", missing, nil, SkipSpec, outcome.OlderKernel, "requires PIDFD_THREAD (since v6.9); running 6.1.0"},
		{"missing on a new kernel fails", thread, "6.18.44-fc-v769", missing, nil, FailSpec, "", "PIDFD_THREAD is missing on 6.18.44"},
		{"missing on a release candidate fails", thread, "7.1.0-rc2", missing, nil, FailSpec, "", "missing on 7.1.0"},
		{"allowlisted gap skips", thread, "6.18.44", missing, []string{"other", "PIDFD_THREAD"}, SkipSpec, outcome.Environment, "known gap (allowlisted"},
		{"built without its option skips on any version", handlesOff, "7.3.4", missing, nil, SkipSpec, outcome.Config, "requires CONFIG_FHANDLE, which is off on this kernel (name_to_handle_at(2) is ENOSYS)"},
		{"built with its option and missing fails", handlesOn, "7.3.4", missing, nil, FailSpec, "", "pidfs file handles is missing on 7.3.4"},
		{"built with its option and too old skips", handlesOn, "6.12.117", missing, nil, SkipSpec, outcome.OlderKernel, "requires pidfs file handles (since v6.14)"},
		{"a probe the suite cannot make here skips", thread, "7.3.4", ErrNoRawClone3, nil, SkipSpec, outcome.Architecture, "cannot be checked here: raw clone3 is implemented for amd64 only"},
	}
	for _, c := range cases {
		got, class, msg := c.f.DecideClass(MustParseVersion(c.kernel), c.err, c.allow)
		if got != c.want || class != c.class || !strings.Contains(msg, c.message) {
			t.Errorf("%s: DecideClass = %v %q %q; want %v %q containing %q", c.name, got, class, msg, c.want, c.class, c.message)
		}
		if v, m := c.f.Decide(MustParseVersion(c.kernel), c.err, c.allow); v != got || m != msg {
			t.Errorf("%s: Decide = %v %q differs from DecideClass", c.name, v, m)
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

func TestOptionTrustsTheKernelConfigOverSigns(t *testing.T) {
	off := func() (bool, string) { return true, "kcmp(2) is ENOSYS" }
	cases := []struct {
		config map[string]string
		want   string
	}{
		{map[string]string{"CONFIG_KCMP": "y"}, ""},
		{map[string]string{"CONFIG_KCMP": "n"}, "CONFIG_KCMP is not set in the kernel config"},
		{map[string]string{}, "kcmp(2) is ENOSYS"},
	}
	for _, c := range cases {
		o := &Option{Name: "CONFIG_KCMP", sign: off}
		if got := o.decide(c.config); got != c.want {
			t.Errorf("config %v: decide = %q, want %q", c.config, got, c.want)
		}
	}
}

func TestParseConfig(t *testing.T) {
	got := ParseConfig(strings.NewReader("CONFIG_FHANDLE=y\n# CONFIG_PID_NS is not set\nCONFIG_LSM=\"landlock,yama\"\n# comment\n"))
	want := map[string]string{"CONFIG_FHANDLE": "y", "CONFIG_PID_NS": "n", "CONFIG_LSM": "landlock,yama"}
	if len(got) != len(want) {
		t.Fatalf("ParseConfig = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// Landlock built in (CONFIG_SECURITY_LANDLOCK=y) but left off the lsm=
// list is off as surely as compiled out: the sign decides despite the config.
func TestBootOptionReadsTheSignDespiteTheConfig(t *testing.T) {
	inactive := func() (bool, string) { return true, "Landlock is built in but not active (not on the lsm= list)" }
	active := func() (bool, string) { return false, "" }
	cases := []struct {
		config map[string]string
		sign   func() (bool, string)
		want   string
	}{
		{map[string]string{"CONFIG_SECURITY_LANDLOCK": "y"}, inactive, "Landlock is built in but not active (not on the lsm= list)"},
		{map[string]string{"CONFIG_SECURITY_LANDLOCK": "y"}, active, ""},
		{map[string]string{"CONFIG_SECURITY_LANDLOCK": "n"}, active, "CONFIG_SECURITY_LANDLOCK is not set in the kernel config"},
	}
	for _, c := range cases {
		o := newBootOption("CONFIG_SECURITY_LANDLOCK", c.sign)
		if got := o.decide(c.config); got != c.want {
			t.Errorf("config %v: decide = %q, want %q", c.config, got, c.want)
		}
	}
}
