package kernel

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testConfig = "#\n# Automatically generated file; DO NOT EDIT.\n# Linux/x86 7.3.4 Kernel Configuration\n#\nCONFIG_FHANDLE=y\n# CONFIG_TIME_NS is not set\n"

func writeConfig(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if strings.HasSuffix(name, ".gz") {
		z := gzip.NewWriter(f)
		z.Write([]byte(text))
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFindConfigReadsTheNamedFile(t *testing.T) {
	running := MustParseVersion("7.3.4")
	for _, name := range []string{"config", "config.gz"} {
		path := writeConfig(t, name, testConfig)
		c := findConfig(path, "7.3.4-cloud-amd64", running)
		if c.Source != path || !c.complete {
			t.Fatalf("%s: config %+v", name, c)
		}
		if v, _ := c.Lookup("CONFIG_TIME_NS"); v != "n" {
			t.Errorf("%s: CONFIG_TIME_NS = %q", name, v)
		}
	}
}

// A named config that cannot be used is reported, never replaced by
// another source.
func TestFindConfigReportsAnUnusableNamedFile(t *testing.T) {
	running := MustParseVersion("7.3.4")
	cases := map[string]string{
		"/nonexistent/.config": "no such file",
		writeConfig(t, "other", strings.Replace(testConfig, "7.3.4", "6.1.158", 1)): "is the config of Linux 6.1.158, not of the running 7.3.4",
		writeConfig(t, "empty", "# nothing\n"):                                      "holds no CONFIG_ lines",
	}
	for path, want := range cases {
		c := findConfig(path, "7.3.4", running)
		if c.Known() || !strings.Contains(c.Problem, KconfigEnv+"="+path) || !strings.Contains(c.Problem, want) {
			t.Errorf("%s: config %+v, want a problem naming %q", path, c, want)
		}
		if !strings.Contains(c.Missing(), "supply it with PIDFDCONF_KCONFIG=/path/to/.config") {
			t.Errorf("%s: Missing() = %q", path, c.Missing())
		}
	}
}

func TestNoConfigAnswersNothing(t *testing.T) {
	c := NoKernelConfig("")
	if _, known := c.Lookup("CONFIG_FHANDLE"); known || c.Known() {
		t.Error("an absent config answered")
	}
	if !strings.Contains(c.Missing(), "no kernel config was found") {
		t.Errorf("Missing() = %q", c.Missing())
	}
}

// The independent signs must agree with the kernel config wherever both
// speak: on the machine running the unit tests, a sign that contradicts the
// config is a wrong sign.
func TestSignsAgreeWithTheRunningConfig(t *testing.T) {
	config := RunningConfig()
	if !config.Known() {
		t.Skipf("no kernel config here to check the signs against: %s", config.Missing())
	}
	for _, o := range []*Option{OptFhandle, OptKcmp, OptAdvise, OptMMU, OptUnix, OptCgroups, OptCheckpointRestore, OptUserNS, OptPidNS, OptUTSNS, OptIPCNS, OptNetNS, OptTimeNS} {
		sign := o.readSign()
		v, named := config.Lookup(o.Name)
		t.Logf("%s: config %q, sign %+v", o.Name, v, sign)
		if sign.State == OptionUnknown || !named {
			continue
		}
		if configOn := v == "y" || v == "m"; configOn != (sign.State == OptionOn) {
			t.Errorf("%s: the config (%s) says %q, the sign says %q", o.Name, config.Source, v, sign.Evidence)
		}
	}
}
