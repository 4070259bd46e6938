package kernels

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/kernels/kernelstest"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

func TestFileKernelChecks(t *testing.T) {
	dir := t.TempDir()
	notKernel := filepath.Join(dir, "notes.txt")
	os.WriteFile(notKernel, []byte(strings.Repeat("x", 1024)), 0o644)
	for path, msg := range map[string]string{
		filepath.Join(dir, "missing"): "no such file",
		notKernel:                     "neither an x86 bzImage",
	} {
		s, _ := ParseKernelSpec("file:" + path)
		_, err := (&Resolver{Cache: cache.Cache{Dir: t.TempDir()}}).Resolve(t.Context(), s)
		if err == nil || !setup.IsError(err) || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: got %v, want setup error with %q", path, err, msg)
		}
	}
	fake := filepath.Join(dir, "bzImage")
	img := make([]byte, 1024)
	copy(img[0x202:], "HdrS")
	os.WriteFile(fake, img, 0o644)
	s, _ := ParseKernelSpec("file:" + fake)
	k, err := (&Resolver{Cache: cache.Cache{Dir: t.TempDir()}}).Resolve(t.Context(), s)
	if err != nil || k.BzImage != fake || k.Name != "bzImage" || k.Config != "" {
		t.Fatalf("valid bzImage without a config: %+v %v", k, err)
	}
}

// A file: kernel's config travels with it: named in the spec, found beside
// the image, or read from inside a kernel built with CONFIG_IKCONFIG.
func TestFileKernelConfigSources(t *testing.T) {
	config := "# Linux/x86 7.3.4 Kernel Configuration\nCONFIG_PIDFD=y\n"
	vmlinux := append(append([]byte("kernel code IKCFG_ST"), kernelstest.Gzip([]byte(config))...), []byte("IKCFG_ED more code")...)
	dir := t.TempDir()
	embedded := filepath.Join(dir, "embedded", "bzImage")
	os.MkdirAll(filepath.Dir(embedded), 0o755)
	os.WriteFile(embedded, kernelstest.WithPayload(kernelstest.Gzip(vmlinux)), 0o644)
	beside := filepath.Join(dir, "beside", "bzImage")
	os.MkdirAll(filepath.Dir(beside), 0o755)
	os.WriteFile(beside, kernelstest.BzImage("x"), 0o644)
	os.WriteFile(beside+".config", []byte(config), 0o644)
	named := filepath.Join(dir, "my.config")
	os.WriteFile(named, []byte(config), 0o644)

	r := &Resolver{Cache: cache.Cache{Dir: t.TempDir()}}
	for spec, want := range map[string]string{
		"file:" + embedded:               "embedded in the kernel (CONFIG_IKCONFIG)",
		"file:" + beside:                 "beside the image",
		"file:" + embedded + ":" + named: "named in the spec",
	} {
		s, err := ParseKernelSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		k, err := r.Resolve(t.Context(), s)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		got, _ := os.ReadFile(k.Config)
		if k.ConfigSource != want || string(got) != config {
			t.Errorf("%s: config %q from %q, want %q", spec, got, k.ConfigSource, want)
		}
	}
	s, _ := ParseKernelSpec("file:" + beside + ":" + filepath.Join(dir, "nosuch.config"))
	if _, err := r.Resolve(t.Context(), s); !setup.IsError(err) || !strings.Contains(err.Error(), "its config") {
		t.Errorf("a named config that does not exist: %v", err)
	}
}
