package kernels

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/kernels/kernelstest"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// buildDeb makes a tiny .deb with dpkg-deb --build: a control file with
// depends (if any) and the given files.
func buildDeb(t *testing.T, dir, pkg, depends string, files map[string][]byte) string {
	t.Helper()
	root := filepath.Join(dir, pkg)
	os.MkdirAll(filepath.Join(root, "DEBIAN"), 0o755)
	control := fmt.Sprintf("Package: %s\nVersion: 7.3.4-1\nArchitecture: amd64\nMaintainer: t <t@example.org>\nDescription: test\n", pkg)
	if depends != "" {
		control += "Depends: " + depends + "\n"
	}
	os.WriteFile(filepath.Join(root, "DEBIAN", "control"), []byte(control), 0o644)
	for name, b := range files {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, b, 0o644)
	}
	deb := root + ".deb"
	if out, err := exec.Command("dpkg-deb", "--root-owner-group", "--build", root, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --build: %v\n%s", err, out)
	}
	return deb
}

func needDpkgDeb(t *testing.T) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("needs dpkg-deb (Debian)")
	}
}

func TestWholeKernelPackage(t *testing.T) {
	needDpkgDeb(t)
	dir := t.TempDir()
	deb := buildDeb(t, dir, "linux-image-6.1.0-9-cloud-amd64", "kmod, initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool", map[string][]byte{
		"boot/vmlinuz-6.1.0-9-cloud-amd64": kernelstest.BzImage("whole"),
		"boot/config-6.1.0-9-cloud-amd64":  []byte("CONFIG_PIDFD=y\n"),
	})
	parts, err := splitKernelParts(t.Context(), deb)
	if err != nil || parts != nil {
		t.Fatalf("a package holding /boot/vmlinuz-* needs no parts: %v %v", parts, err)
	}
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	if err := extractKernel(t.Context(), []string{deb}, out); err != nil {
		t.Fatal(err)
	}
	checkExtracted(t, out, "whole", "CONFIG_PIDFD=y\n")
}

func TestSplitKernelPackage(t *testing.T) {
	needDpkgDeb(t)
	dir := t.TempDir()
	const v = "7.3.4+deb13-cloud-amd64"
	meta := buildDeb(t, dir, "linux-image-"+v,
		"dracut | initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, linux-base-"+v+" (= 7.3.4-1~bpo13+1), linux-binary-"+v+" (= 7.3.4-1~bpo13+1), linux-modules-"+v+" (= 7.3.4-1~bpo13+1)",
		map[string][]byte{"usr/share/lintian/overrides/linux-image-" + v: []byte("x\n")})
	parts, err := splitKernelParts(t.Context(), meta)
	want := []debPart{{"linux-base-" + v, "7.3.4-1~bpo13+1"}, {"linux-binary-" + v, "7.3.4-1~bpo13+1"}}
	if err != nil || fmt.Sprint(parts) != fmt.Sprint(want) {
		t.Fatalf("parts of a meta package: %v %v, want %v", parts, err, want)
	}
	binary := buildDeb(t, dir, "linux-binary-"+v, "", map[string][]byte{"usr/lib/modules/" + v + "/vmlinuz": kernelstest.BzImage("split")})
	base := buildDeb(t, dir, "linux-base-"+v, "", map[string][]byte{
		"usr/lib/modules/" + v + "/config":     []byte("CONFIG_FHANDLE=y\n"),
		"usr/lib/modules/" + v + "/System.map": []byte("x\n"),
	})
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	if err := extractKernel(t.Context(), []string{meta, base, binary}, out); err != nil {
		t.Fatal(err)
	}
	checkExtracted(t, out, "split", "CONFIG_FHANDLE=y\n")
}

func TestNotAKernelPackage(t *testing.T) {
	needDpkgDeb(t)
	dir := t.TempDir()
	deb := buildDeb(t, dir, "linux-headers-7.3.4", "linux-base (>= 4.3~)", map[string][]byte{"usr/src/h/Makefile": []byte("x\n")})
	if _, err := splitKernelParts(t.Context(), deb); err == nil || !setup.IsError(err) {
		t.Fatalf("a package with no image and no linux-binary dependency: %v", err)
	}
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	if err := extractKernel(t.Context(), []string{deb}, out); err == nil || !setup.IsError(err) {
		t.Fatalf("extracting no image: %v", err)
	}
}

func checkExtracted(t *testing.T, out, tag, config string) {
	t.Helper()
	img, err := os.ReadFile(filepath.Join(out, "bzImage"))
	if err != nil || string(img[0x300:0x300+len(tag)]) != tag {
		t.Errorf("bzImage: %v", err)
	}
	if c, err := os.ReadFile(filepath.Join(out, "config")); err != nil || string(c) != config {
		t.Errorf("config: %q %v", c, err)
	}
	if _, err := os.Stat(filepath.Join(out, "x")); err == nil {
		t.Error("the scratch tree is left behind")
	}
}
