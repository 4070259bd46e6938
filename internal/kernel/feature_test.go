package kernel

import (
	"errors"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// signOf is an Option whose independent sign always says s.
func signOf(name string, s Sign) *Option {
	return &Option{Name: name, sign: func() Sign { return s }}
}

func TestDecide(t *testing.T) {
	missing := errors.New("EINVAL")
	noConfig := NoKernelConfig("")
	handlesOn := NewKernelConfig("/boot/config-7.3.4", map[string]string{"CONFIG_FHANDLE": "y"})
	handlesOff := NewKernelConfig("/proc/config.gz", map[string]string{"CONFIG_FHANDLE": "n"})
	thread := &Feature{Name: "PIDFD_THREAD", Since: "6.9"}
	// The time namespace probe and its option's sign: nothing independent
	// of the probe says anything.
	timeNS := &Feature{Name: "time namespaces", Since: "5.6", Needs: []*Option{signOf("CONFIG_TIME_NS", unknown("no sign"))}}
	signOff := &Feature{Name: "pidfs file handles", Since: "6.14", Needs: []*Option{signOf("CONFIG_FHANDLE", off("name_to_handle_at(2) is ENOSYS with no seccomp filter installed"))}}
	signOn := &Feature{Name: "pidfs file handles", Since: "6.14", Needs: []*Option{signOf("CONFIG_FHANDLE", on("name_to_handle_at(2) exists"))}}
	handles := &Feature{Name: "pidfs file handles", Since: "6.14", Needs: []*Option{signOf("CONFIG_FHANDLE", unknown("no sign"))}}
	cases := []struct {
		name    string
		f       *Feature
		kernel  string
		config  *KernelConfig
		err     error
		allow   []string
		want    Action
		class   outcome.SkipClass
		message string
	}{
		{"present runs", thread, "6.18.44-fc-v769", noConfig, nil, nil, Run, "", ""},
		{"backport on an old kernel runs", thread, "6.1.0-50-cloud-amd64", noConfig, nil, nil, Run, "", ""},
		{"missing on an old kernel skips", thread, "6.1.0-50-cloud-amd64", noConfig, missing, nil, SkipSpec, outcome.OlderKernel, "requires PIDFD_THREAD (since v6.9); running 6.1.0"},
		{"missing on a new kernel fails", thread, "6.18.44-fc-v769", noConfig, missing, nil, FailSpec, "", "PIDFD_THREAD is missing on 6.18.44"},
		{"missing on a release candidate fails", thread, "7.1.0-rc2", noConfig, missing, nil, FailSpec, "", "missing on 7.1.0"},
		{"allowlisted gap skips", thread, "6.18.44", noConfig, missing, []string{"other", "PIDFD_THREAD"}, SkipSpec, outcome.Environment, "known gap (allowlisted"},
		{"no config and only the probe's own failure fails", timeNS, "6.12.117", noConfig, missing, nil, FailSpec, "", "time namespaces is missing on 6.12.117"},
		{"no config: the failure says how to supply it", timeNS, "6.12.117", noConfig, missing, nil, FailSpec, "", "supply it with PIDFDCONF_KCONFIG=/path/to/.config"},
		{"config off skips naming the option", handles, "7.3.4", handlesOff, missing, nil, SkipSpec, outcome.Config, "requires CONFIG_FHANDLE, which is off on this kernel (CONFIG_FHANDLE is not set in the kernel config (/proc/config.gz))"},
		{"config on and absent fails", handles, "7.3.4", handlesOn, missing, nil, FailSpec, "", "CONFIG_FHANDLE is on (CONFIG_FHANDLE=y in the kernel config (/boot/config-7.3.4))"},
		{"config on wins over a sign", signOff, "7.3.4", handlesOn, missing, nil, FailSpec, "", "pidfs file handles is missing on 7.3.4"},
		{"an independent sign skips without a config", signOff, "7.3.4", noConfig, missing, nil, SkipSpec, outcome.Config, "requires CONFIG_FHANDLE, which is off on this kernel (name_to_handle_at(2) is ENOSYS"},
		{"an independent sign of on fails", signOn, "7.3.4", noConfig, missing, nil, FailSpec, "", "CONFIG_FHANDLE is on (name_to_handle_at(2) exists)"},
		{"too old skips before any option is asked", handles, "6.12.117", handlesOn, missing, nil, SkipSpec, outcome.OlderKernel, "requires pidfs file handles (since v6.14)"},
		{"a probe the suite cannot make here skips", thread, "7.3.4", noConfig, ErrNoRawClone3, nil, SkipSpec, outcome.Architecture, "cannot be checked here: raw clone3 is implemented for amd64, 386 and arm64 only"},
		{"the allowlist hint quotes a name with spaces", timeNS, "7.3.4", noConfig, missing, nil, FailSpec, "", "PIDFDCONF_ALLOW_MISSING='time namespaces'"},
		{"an allowlisted name with spaces skips", timeNS, "7.3.4", noConfig, missing, ParseAllowMissing(" pidfs , time namespaces"), SkipSpec, outcome.Environment, "known gap"},
	}
	for _, c := range cases {
		facts := Facts{Kernel: MustParseVersion(c.kernel), Config: c.config, AllowMissing: c.allow}
		d := c.f.Decide(facts, c.err)
		if d.Action != c.want || d.Class != c.class || !strings.Contains(d.Reason, c.message) {
			t.Errorf("%s: Decide = %v %q %q; want %v %q containing %q", c.name, d.Action, d.Class, d.Reason, c.want, c.class, c.message)
		}
	}
}

func TestNoConfigProblemReachesTheMessage(t *testing.T) {
	f := &Feature{Name: "time namespaces", Since: "5.6", Needs: []*Option{signOf("CONFIG_TIME_NS", unknown("no sign"))}}
	c := NoKernelConfig("PIDFDCONF_KCONFIG=/nope: open /nope: no such file or directory")
	d := f.Decide(Facts{Kernel: MustParseVersion("7.3.4"), Config: c}, errors.New("ENOENT"))
	if d.Action != FailSpec || !strings.Contains(d.Reason, "no kernel config could be used (PIDFDCONF_KCONFIG=/nope") {
		t.Errorf("Decide = %v %q", d.Action, d.Reason)
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

// Every feature can be allowlisted by the name its FAIL message prints.
func TestEveryFeatureNameFitsTheAllowlist(t *testing.T) {
	for _, f := range registry {
		if got := ParseAllowMissing("x, " + f.Name + " ,y"); len(got) != 3 || got[1] != f.Name {
			t.Errorf("allowlist %q parses as %q", f.Name, got)
		}
	}
}

func TestParseAllowMissing(t *testing.T) {
	got := ParseAllowMissing(" pid namespaces,PIDFD_GET_INFO,, EPOLLHUP on reap ,")
	want := []string{"pid namespaces", "PIDFD_GET_INFO", "EPOLLHUP on reap"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("ParseAllowMissing = %q, want %q", got, want)
	}
	if got := ParseAllowMissing(""); len(got) != 0 {
		t.Errorf("an empty allowlist parses as %q", got)
	}
}

func TestOptionTrustsTheKernelConfigOverSigns(t *testing.T) {
	off := off("kcmp(2) is ENOSYS")
	cases := []struct {
		config *KernelConfig
		want   OptionState
		says   string
	}{
		{NewKernelConfig("c", map[string]string{"CONFIG_KCMP": "y"}), OptionOn, "CONFIG_KCMP=y in the kernel config (c)"},
		{NewKernelConfig("c", map[string]string{"CONFIG_KCMP": "m"}), OptionOn, "CONFIG_KCMP=m"},
		{NewKernelConfig("c", map[string]string{"CONFIG_KCMP": "n"}), OptionOff, "CONFIG_KCMP is not set in the kernel config (c)"},
		// A fragment (no header) that does not name the option says nothing.
		{NewKernelConfig("c", map[string]string{"CONFIG_FHANDLE": "y"}), OptionOff, "kcmp(2) is ENOSYS"},
		{&KernelConfig{Source: "c", values: map[string]string{"CONFIG_FHANDLE": "y"}, complete: true}, OptionOff, "CONFIG_KCMP is not in the kernel config (c)"},
		{NoKernelConfig(""), OptionOff, "kcmp(2) is ENOSYS"},
	}
	for _, c := range cases {
		o := signOf("CONFIG_KCMP", off)
		if got := o.EvidenceFrom(c.config); got.State != c.want || !strings.Contains(got.Evidence, c.says) {
			t.Errorf("config %+v: evidence = %+v, want %v %q", c.config, got, c.want, c.says)
		}
	}
	if got := (&Option{Name: "CONFIG_PROC_FS"}).EvidenceFrom(NoKernelConfig("")); got.State != OptionUnknown {
		t.Errorf("an option without a sign or config is %+v, want unknown", got)
	}
}

// Landlock built in (CONFIG_SECURITY_LANDLOCK=y) but inactive at boot is
// off as surely as compiled out: the sign decides despite the config.
func TestLSMOptionReadsTheSignDespiteTheConfig(t *testing.T) {
	inactive := off("landlock is not in the active LSM list (/sys/kernel/security/lsm: capability,yama)")
	active := on("landlock is in the active LSM list")
	built := NewKernelConfig("c", map[string]string{"CONFIG_SECURITY_LANDLOCK": "y"})
	cases := []struct {
		config *KernelConfig
		sign   Sign
		want   OptionState
	}{
		{built, inactive, OptionOff},
		{built, active, OptionOn},
		{NewKernelConfig("c", map[string]string{"CONFIG_SECURITY_LANDLOCK": "n"}), active, OptionOff},
		{NoKernelConfig(""), inactive, OptionOff},
	}
	for _, c := range cases {
		o := signOf("CONFIG_SECURITY_LANDLOCK", c.sign)
		o.lsm = "landlock"
		if got := o.EvidenceFrom(c.config); got.State != c.want {
			t.Errorf("config %+v, sign %+v: evidence = %+v, want %v", c.config, c.sign, got, c.want)
		}
	}
}

func TestLSMOrderOnTheCommandLine(t *testing.T) {
	cases := []struct {
		cmdline string
		order   string
		given   bool
	}{
		{"console=ttyS0 lsm=landlock,yama quiet", "landlock,yama", true},
		{"lsm=selinux lsm=landlock", "landlock", true},
		{"console=ttyS0 -- lsm=landlock", "", false},
		{"console=ttyS0", "", false},
	}
	for _, c := range cases {
		order, given, _ := lsmOrderIn(c.cmdline)
		if strings.Join(order, ",") != c.order || given != c.given {
			t.Errorf("%q: lsm order %q %v, want %q %v", c.cmdline, order, given, c.order, c.given)
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
