package kernels

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/configs"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

func TestParseKernelSpec(t *testing.T) {
	good := map[string]KernelSpec{
		"host":                                {Kind: KindHost},
		"file:/tmp/bzImage":                   {Kind: KindFile, Path: "/tmp/bzImage"},
		"apt:linux-image-6.1.0-*-cloud-amd64": {Kind: KindApt, Package: "linux-image-6.1.0-*-cloud-amd64"},
		"build:6.12:minimal":                  {Kind: KindBuild, Version: "6.12", Config: "minimal"},
		"build:6.12:lsm-selinux":              {Kind: KindBuild, Version: "6.12", Config: "lsm-selinux"},
		"build:7.3:minimal":                   {Kind: KindBuild, Version: "7.3", Config: "minimal"},
		"build:latest:minimal":                {Kind: KindBuild, Version: LatestSource, Config: "minimal"},
		"apt:trixie-backports/linux-image-*-cloud-amd64":      {Kind: KindApt, Archive: "trixie-backports", Package: "linux-image-*-cloud-amd64"},
		"apt:sid/linux-image-7.2.13+deb14-cloud-amd64":        {Kind: KindApt, Archive: "sid", Package: "linux-image-7.2.13+deb14-cloud-amd64"},
		"apt:linux-image-7.3.4+deb13-cloud-amd64+lsm-selinux": {Kind: KindApt, Package: "linux-image-7.3.4+deb13-cloud-amd64", BootArgsSet: "lsm-selinux"},
		"apt:sid/linux-image-*-cloud-amd64+lsm-selinux":       {Kind: KindApt, Archive: "sid", Package: "linux-image-*-cloud-amd64", BootArgsSet: "lsm-selinux"},
		"tree:/src/linux":          {Kind: KindTree, Path: "/src/linux", Config: DefaultTreeConfig},
		"tree:/src/linux:no-proc":  {Kind: KindTree, Path: "/src/linux", Config: "no-proc"},
		"tree:relative/linux:i386": {Kind: KindTree, Path: "relative/linux", Config: "i386"},
		"tree:/src/a:b/linux":      {Kind: KindTree, Path: "/src/a:b/linux", Config: DefaultTreeConfig},
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
		"vmlinuz":                  "unknown kernel spec",
		"host:x":                   "host takes no argument",
		"file:":                    "missing path",
		"apt:":                     "apt:[ARCHIVE/]linux-image-NAME",
		"apt:foo=1.0":              "apt:[ARCHIVE/]linux-image-NAME",
		"apt:sid/":                 "apt:[ARCHIVE/]linux-image-NAME",
		"apt:sid/a/b":              "apt:[ARCHIVE/]linux-image-NAME",
		"apt:/linux-image-x":       "not a Debian archive name: use one of bookworm, trixie",
		"apt:Trixie/linux-image-x": "not a Debian archive name",
		"apt:sid_x/linux-image-x":  "not a Debian archive name",
		"build:6.12":               "build:VERSION:CONFIG",
		"build:6.12:nonsense":      "unknown config",
		"build:7:minimal":          "VERSION is X.Y",
		"build:newest:minimal":     "VERSION is X.Y",
		"tree:":                    "write tree:PATH[:CONFIG]",
		"tree::minimal":            "write tree:PATH[:CONFIG]",
		"tree:/src/linux:":         "write tree:PATH[:CONFIG]",
		"tree:/src/linux:nonsense": "unknown config",
	}
	for in, msg := range bad {
		_, err := ParseKernelSpec(in)
		if err == nil || !setup.IsError(err) || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: got %v, want a setup error containing %q", in, err, msg)
		}
	}
}

func TestParseKernelListDefaultsAndConfigs(t *testing.T) {
	specs, err := ParseKernelList("", DefaultKernels)
	if err != nil || len(specs) != 5 || specs[0].Kind != KindHost || specs[3].Archive == "" || specs[3].Compat || !specs[4].Compat || specs[4].Package != specs[3].Package {
		t.Fatalf("default list: host, 6.1, 6.12, the newest Debian kernel and its compat column: %v %v", specs, err)
	}
	if len(SmokeKernels) != 2 || SmokeKernels[0] != DebianKernels[0] || SmokeKernels[1] != NewestDebianKernel {
		t.Fatalf("smoke kernels are 6.1 and the newest: %v", SmokeKernels)
	}
	specs, err = ParseKernelList("host, file:/x  apt:linux-image-x", nil)
	if err != nil || len(specs) != 3 {
		t.Fatalf("mixed separators: %v %v", specs, err)
	}
	all, err := ConfigKernels("all")
	// lsm-selinux also boots the three Debian kernels under SELinux, and
	// the newest Debian kernel for arm64 joins.
	if err != nil || len(all) != len(configs.Variants())+4 {
		t.Fatalf("all configs: %v %v", all, err)
	}
	if last := all[len(all)-1]; last.Raw != NewestDebianArm64Kernel || ArchFromPackage(last.Package) != "arm64" {
		t.Fatalf("the arm64 column of CONFIGS=all: %+v", last)
	}
	if some, _ := ConfigKernels("minimal,lsm-none"); len(some) != 2 {
		t.Fatalf("named configs bring no arm64 column: %v", some)
	}
	if all[0].Version != LatestSource {
		t.Fatalf("the config matrix builds from the newest source: %+v", all[0])
	}
	if k := all[len(configs.Variants())-1]; k.Kind != KindApt || k.BootArgsSet != "lsm-selinux" {
		t.Fatalf("Debian kernel under lsm-selinux: %+v", k)
	}
	if _, err := ParseKernelSpec("apt:linux-image-x+bogus"); err == nil || !strings.Contains(err.Error(), "bogus.cmdline") {
		t.Fatalf("unknown boot args set: %v", err)
	}
	if _, err := ConfigKernels("minimal,bogus"); err == nil || !strings.Contains(err.Error(), "unknown config \"bogus\"") {
		t.Fatalf("bogus config: %v", err)
	}
}

// apt:PACKAGE+compat is the kernel's column with i386 suites; the column
// of a kernel whose config lacks IA32_EMULATION is not booted.
func TestCompatColumn(t *testing.T) {
	s, err := ParseKernelSpec("apt:linux-image-7.3.4+deb13-cloud-amd64+compat")
	if err != nil || !s.Compat || s.Package != "linux-image-7.3.4+deb13-cloud-amd64" || s.BootArgsSet != "" {
		t.Fatalf("%+v %v", s, err)
	}
	config := func(text string) string {
		path := filepath.Join(t.TempDir(), "config")
		os.WriteFile(path, []byte(text), 0o644)
		return path
	}
	k := &Kernel{Name: "7.3.4", Arch: "amd64", Config: config("CONFIG_IA32_EMULATION=y\n"), LSMGroup: "apt:x"}
	compat(k)
	if k.Name != "7.3.4+compat" || k.Arch != "386" || k.MachineArch() != "amd64" || k.LSMGroup != "" || k.Unsupported != "" {
		t.Errorf("compat column: %+v", k)
	}
	off := &Kernel{Name: "x", Arch: "amd64", Config: config("# CONFIG_IA32_EMULATION is not set\n")}
	compat(off)
	if !strings.Contains(off.Unsupported, "CONFIG_IA32_EMULATION") {
		t.Errorf("a kernel without IA32_EMULATION: %+v", off)
	}
}

func TestCompatIsForAmd64KernelsOnly(t *testing.T) {
	_, err := ParseKernelSpec("apt:trixie-backports/linux-image-*-cloud-arm64+compat")
	if err == nil || !strings.Contains(err.Error(), "arm64") {
		t.Errorf("+compat on an arm64 kernel: %v, want an error naming arm64", err)
	}
}
