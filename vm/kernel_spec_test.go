package vm

import (
	"strings"
	"testing"
)

func TestParseKernelSpec(t *testing.T) {
	good := map[string]KernelSpec{
		"host":                                {Kind: KindHost},
		"file:/tmp/bzImage":                   {Kind: KindFile, Path: "/tmp/bzImage"},
		"apt:linux-image-6.1.0-*-cloud-amd64": {Kind: KindApt, Package: "linux-image-6.1.0-*-cloud-amd64"},
		"build:6.12:minimal":                  {Kind: KindBuild, Version: "6.12", Config: "minimal"},
		"build:6.12:lsm-selinux":              {Kind: KindBuild, Version: "6.12", Config: "lsm-selinux"},
	}
	for in, want := range good {
		got, err := ParseKernelSpec(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		want.Raw = in
		if got != want {
			t.Errorf("%s: got %+v want %+v", in, got, want)
		}
	}
	bad := map[string]string{
		"vmlinuz":             "unknown kernel spec",
		"host:x":              "host takes no argument",
		"file:":               "missing path",
		"apt:":                "apt:linux-image-NAME",
		"apt:foo=1.0":         "apt:linux-image-NAME",
		"build:6.12":          "build:VERSION:CONFIG",
		"build:6.12:nonsense": "unknown config",
	}
	for in, msg := range bad {
		_, err := ParseKernelSpec(in)
		if err == nil || !IsSetupError(err) || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: got %v, want a setup error containing %q", in, err, msg)
		}
	}
}

func TestParseKernelListDefaultsAndConfigs(t *testing.T) {
	specs, err := ParseKernelList("", DefaultKernels)
	if err != nil || len(specs) != 3 || specs[0].Kind != KindHost {
		t.Fatalf("default list: %v %v", specs, err)
	}
	specs, err = ParseKernelList("host, file:/x  apt:linux-image-x", nil)
	if err != nil || len(specs) != 3 {
		t.Fatalf("mixed separators: %v %v", specs, err)
	}
	all, err := ConfigKernels("all")
	// lsm-selinux also boots the two Debian kernels under SELinux.
	if err != nil || len(all) != len(configVariants)+2 {
		t.Fatalf("all configs: %v %v", all, err)
	}
	if k := all[len(configVariants)-1]; k.Kind != KindApt || k.BootArgsSet != "lsm-selinux" {
		t.Fatalf("Debian kernel under lsm-selinux: %+v", k)
	}
	if _, err := ParseKernelSpec("apt:linux-image-x+bogus"); err == nil || !strings.Contains(err.Error(), "bogus.cmdline") {
		t.Fatalf("unknown boot args set: %v", err)
	}
	if _, err := ConfigKernels("minimal,bogus"); err == nil || !strings.Contains(err.Error(), "unknown config \"bogus\"") {
		t.Fatalf("bogus config: %v", err)
	}
}
