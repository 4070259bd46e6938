package vm

import (
	"os"
	"path/filepath"
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
		"build:7.3:minimal":                   {Kind: KindBuild, Version: "7.3", Config: "minimal"},
		"build:latest:minimal":                {Kind: KindBuild, Version: LatestSource, Config: "minimal"},
		"apt:trixie-backports/linux-image-*-cloud-amd64":      {Kind: KindApt, Suite: "trixie-backports", Package: "linux-image-*-cloud-amd64"},
		"apt:sid/linux-image-7.2.13+deb14-cloud-amd64":        {Kind: KindApt, Suite: "sid", Package: "linux-image-7.2.13+deb14-cloud-amd64"},
		"apt:linux-image-7.3.4+deb13-cloud-amd64+lsm-selinux": {Kind: KindApt, Package: "linux-image-7.3.4+deb13-cloud-amd64", BootArgsSet: "lsm-selinux"},
		"apt:sid/linux-image-*-cloud-amd64+lsm-selinux":       {Kind: KindApt, Suite: "sid", Package: "linux-image-*-cloud-amd64", BootArgsSet: "lsm-selinux"},
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
		"apt:":                     "apt:[SUITE/]linux-image-NAME",
		"apt:foo=1.0":              "apt:[SUITE/]linux-image-NAME",
		"apt:sid/":                 "apt:[SUITE/]linux-image-NAME",
		"apt:sid/a/b":              "apt:[SUITE/]linux-image-NAME",
		"apt:/linux-image-x":       "not a Debian suite name: use one of bookworm, trixie",
		"apt:Trixie/linux-image-x": "not a Debian suite name",
		"apt:sid_x/linux-image-x":  "not a Debian suite name",
		"build:6.12":               "build:VERSION:CONFIG",
		"build:6.12:nonsense":      "unknown config",
		"build:7:minimal":          "VERSION is X.Y",
		"build:newest:minimal":     "VERSION is X.Y",
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
	if err != nil || len(specs) != 4 || specs[0].Kind != KindHost || specs[3].Suite == "" {
		t.Fatalf("default list: host, 6.1, 6.12 and the newest Debian kernel: %v %v", specs, err)
	}
	if len(SmokeKernels) != 2 || SmokeKernels[0] != DefaultKernels[1] || SmokeKernels[1] != NewestDebianKernel {
		t.Fatalf("smoke kernels are 6.1 and the newest: %v", SmokeKernels)
	}
	specs, err = ParseKernelList("host, file:/x  apt:linux-image-x", nil)
	if err != nil || len(specs) != 3 {
		t.Fatalf("mixed separators: %v %v", specs, err)
	}
	all, err := ConfigKernels("all")
	// lsm-selinux also boots the three Debian kernels under SELinux.
	if err != nil || len(all) != len(configVariants)+3 {
		t.Fatalf("all configs: %v %v", all, err)
	}
	if all[0].Version != LatestSource {
		t.Fatalf("the config matrix builds from the newest source: %+v", all[0])
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

func TestConfigVariantsHaveTheirFiles(t *testing.T) {
	for _, v := range configVariants {
		for _, f := range v.Fragments {
			if _, err := Fragment(f); err != nil {
				t.Error(err)
			}
		}
		if _, err := BootArgs(v.BootArgs); err != nil {
			t.Error(err)
		}
	}
	if a, _ := BootArgs("lsm-selinux"); !strings.Contains(a, "lsm=selinux") || strings.Contains(a, "#") {
		t.Errorf("lsm-selinux boot args: %q", a)
	}
	opts := fragmentOptions("CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=\"x,y\"\n")
	if opts["CONFIG_A"] != "y" || opts["CONFIG_B"] != "n" || opts["CONFIG_C"] != "x,y" {
		t.Errorf("fragmentOptions: %v", opts)
	}
}

func TestFileKernelChecks(t *testing.T) {
	dir := t.TempDir()
	notKernel := filepath.Join(dir, "notes.txt")
	os.WriteFile(notKernel, []byte(strings.Repeat("x", 1024)), 0o644)
	for path, msg := range map[string]string{
		filepath.Join(dir, "missing"): "no such file",
		notKernel:                     "not an x86 bzImage",
	} {
		s, _ := ParseKernelSpec("file:" + path)
		_, err := (&Resolver{}).Resolve(t.Context(), s)
		if err == nil || !IsSetupError(err) || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: got %v, want setup error with %q", path, err, msg)
		}
	}
	fake := filepath.Join(dir, "bzImage")
	img := make([]byte, 1024)
	copy(img[0x202:], "HdrS")
	os.WriteFile(fake, img, 0o644)
	s, _ := ParseKernelSpec("file:" + fake)
	k, err := (&Resolver{}).Resolve(t.Context(), s)
	if err != nil || k.BzImage != fake || k.Name != "bzImage" {
		t.Fatalf("valid bzImage: %+v %v", k, err)
	}
}

func TestCacheFillIsAtomic(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	_, err := c.Fill("build", "k1", func(tmp string) error {
		os.WriteFile(filepath.Join(tmp, "bzImage"), []byte("half"), 0o644)
		return setupErrorf("build failed")
	})
	if err == nil || c.Has("build", "k1") {
		t.Fatal("failed fill left an entry")
	}
	if left, _ := filepath.Glob(filepath.Join(c.Dir, "build", "*")); len(left) != 0 {
		t.Fatalf("leftovers: %v", left)
	}
	if hidden, _ := filepath.Glob(filepath.Join(c.Dir, "build", ".tmp*")); len(hidden) != 0 {
		t.Fatalf("temp dirs left: %v", hidden)
	}
	calls := 0
	for range 2 {
		p, err := c.Fill("build", "k1", func(tmp string) error {
			calls++
			return os.WriteFile(filepath.Join(tmp, "bzImage"), []byte("ok"), 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(filepath.Join(p, "bzImage")); string(b) != "ok" {
			t.Fatal("entry content")
		}
	}
	if calls != 1 {
		t.Fatalf("fill ran %d times, want 1", calls)
	}
}
