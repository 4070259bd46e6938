package kernels

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestArchFromPackage(t *testing.T) {
	for pkg, want := range map[string]string{
		"linux-image-*-cloud-arm64":           "arm64",
		"linux-image-7.3.4+deb13-cloud-arm64": "arm64",
		"linux-image-6.1.0-*-cloud-amd64":     "amd64",
		"linux-image-*-arm64":                 "arm64",
		"linux-image-cloud-amd64":             "amd64",
		// No flavour suffix: the host's (Debian's names always carry one).
		"linux-image-6.12.*": "amd64",
		// The suffix is the flavour's last word, not any "arm64" inside.
		"linux-image-arm64-virt-amd64": "amd64",
	} {
		if got := ArchFromPackage(pkg); got != want {
			t.Errorf("ArchFromPackage(%q) = %q, want %q", pkg, got, want)
		}
	}
}

// arm64Image is the 64-byte header of an arm64 Image followed by a banner,
// as arch/arm64/kernel/head.S and init/version-timestamp.c lay them out.
func arm64Image(banner string) []byte {
	hdr := make([]byte, 64)
	copy(hdr[arm64ImageMagicOffset:], arm64ImageMagic)
	return append(append(hdr, make([]byte, 4096)...), banner...)
}

func TestImageArchAndRelease(t *testing.T) {
	dir := t.TempDir()
	banner := "Linux version 7.3.4+deb13-cloud-arm64 (debian-kernel@lists.debian.org) (gcc) #1 SMP Debian 7.3.4-1~bpo13+1\x00"
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(arm64Image(banner))
	w.Close()
	bz := make([]byte, 0x300)
	copy(bz[0x202:], "HdrS")
	files := map[string][]byte{
		"Image":    arm64Image(banner),
		"Image.gz": gz.Bytes(),
		"bzImage":  bz,
		"notes":    []byte("not a kernel at all, but long enough to hold a header........................"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, want := range map[string]string{"Image": "arm64", "Image.gz": "arm64", "bzImage": "amd64"} {
		got, err := ImageArch(filepath.Join(dir, name))
		if err != nil || got != want {
			t.Errorf("ImageArch(%s) = %q, %v; want %q", name, got, err, want)
		}
	}
	if _, err := ImageArch(filepath.Join(dir, "notes")); err == nil {
		t.Error("ImageArch(notes): no error for a file that is no kernel")
	}
	for _, name := range []string{"Image", "Image.gz"} {
		got, err := KernelRelease(filepath.Join(dir, name))
		if err != nil || got != "7.3.4+deb13-cloud-arm64" {
			t.Errorf("KernelRelease(%s) = %q, %v; want 7.3.4+deb13-cloud-arm64", name, got, err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "nobanner"), arm64Image(""), 0o644); err != nil {
		t.Fatal(err)
	}
	if r, err := KernelRelease(filepath.Join(dir, "nobanner")); err == nil || !strings.Contains(err.Error(), "banner") {
		t.Errorf("an Image without a banner: %q, %v; want an error naming the banner", r, err)
	}
}

func TestForeignArchitectureAptRoot(t *testing.T) {
	dir := t.TempDir()
	if got := privateDir(dir, "trixie-backports", ""); got != filepath.Join(dir, "debian-apt", "trixie-backports") {
		t.Errorf("the host architecture's lists moved: %s", got)
	}
	armDir := privateDir(dir, "trixie-backports", "arm64")
	if armDir == privateDir(dir, "trixie-backports", "") {
		t.Fatal("arm64 shares the host architecture's lists")
	}
	p := privateArchive{Dir: armDir, Mirror: "http://mirror.example/debian", Archive: "trixie-backports", Keyring: hostKeyring, Arch: "arm64"}
	root := p.root()
	if got := root.qualified("linux-binary-7.3.4+deb13-cloud-arm64"); got != "linux-binary-7.3.4+deb13-cloud-arm64:arm64" {
		t.Errorf("qualified = %q, want the :arm64 qualifier apt needs for a foreign package", got)
	}
	if !strings.Contains(root.Label, "arm64") {
		t.Errorf("label %q does not name the architecture", root.Label)
	}
	if !strings.Contains(strings.Join(root.Opts, " "), "APT::Architectures=arm64") {
		t.Errorf("options %q do not add arm64 to apt's architectures", root.Opts)
	}
	host := privateArchive{Dir: dir, Archive: "trixie"}.root()
	if host.qualified("linux-source-7.3") != "linux-source-7.3" || strings.Contains(strings.Join(host.Opts, " "), "APT::Architectures") {
		t.Errorf("the host architecture's configuration changed: %q %q", host.qualified("linux-source-7.3"), host.Opts)
	}
	if hostApt.qualified("x") != "x" {
		t.Error("the host's sources qualify names")
	}
}

func TestHostCodename(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string]string{
		"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_CODENAME=bookworm\n": "bookworm",
		"VERSION_CODENAME=\"trixie\"\n":                                               "trixie",
		"ID=debian\n":                                                                 "",
		"VERSION_CODENAME=../../etc\n":                                                "",
		"VERSION_CODENAME=Bookworm 12\n":                                              "",
	} {
		f := filepath.Join(dir, "os-release")
		os.WriteFile(f, []byte(content), 0o644)
		got, err := hostCodename(f)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("hostCodename(%q) = %q, %v; want %q", content, got, err, want)
		}
	}
}
