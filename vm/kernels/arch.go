package kernels

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// The runner boots two machines: x86 (amd64 and its i386 builds) and
// arm64. A kernel's architecture comes from what it is, never from the
// host: an apt: package says it in its name (Debian's flavours end in
// -amd64 or -arm64), a file: kernel in its image header.

// ArchFromPackage is the GOARCH of a Debian linux-image package name or
// glob: its flavour's suffix, amd64 when it names none (Debian's own flavour
// names end in the architecture, so a name without one is the host's).
func ArchFromPackage(pkg string) string {
	for _, a := range []string{"arm64", "amd64"} {
		if strings.HasSuffix(pkg, "-"+a) {
			return a
		}
	}
	return "amd64"
}

// arm64ImageMagic is "ARM\x64" at offset 56 of an arm64 Image
// (Documentation/arch/arm64/booting.rst).
const (
	arm64ImageMagic       = "ARM\x64"
	arm64ImageMagicOffset = 56
)

// ErrNotArm64Image: the file is neither an arm64 Image nor a gzip'd one,
// the two formats QEMU's -kernel loads for aarch64.
var ErrNotArm64Image = errors.New("not an arm64 Image (no \"ARM\\x64\" at 56) nor a gzip'd one")

// ImageArch is the GOARCH a kernel image boots on: arm64 for an arm64
// Image (plain or gzip'd), amd64 for an x86 bzImage; an error for anything
// else.
func ImageArch(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	hdr := make([]byte, 0x210)
	n, _ := io.ReadFull(f, hdr)
	hdr = hdr[:n]
	switch {
	case len(hdr) >= 0x206 && string(hdr[0x202:0x206]) == "HdrS":
		return "amd64", nil
	case isArm64Image(hdr):
		return "arm64", nil
	case bytes.HasPrefix(hdr, []byte{0x1f, 0x8b}):
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return "", err
		}
		z, err := gzip.NewReader(f)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		inner := make([]byte, 64)
		if _, err := io.ReadFull(z, inner); err == nil && isArm64Image(inner) {
			return "arm64", nil
		}
	}
	return "", fmt.Errorf("%s is neither an x86 bzImage (no \"HdrS\" at 0x202) nor an arm64 Image: %w", path, ErrNoSetupHeader)
}

func isArm64Image(hdr []byte) bool {
	return len(hdr) >= arm64ImageMagicOffset+4 && string(hdr[arm64ImageMagicOffset:arm64ImageMagicOffset+4]) == arm64ImageMagic
}

// linuxBanner is the start of linux_banner (init/version-timestamp.c):
// "Linux version 7.3.4+deb13-cloud-arm64 (debian-kernel@...) ...".
var linuxBanner = regexp.MustCompile(`Linux version ([0-9][^ \x00]{0,63}) \(`)

// maxImageScanBytes caps how much of an arm64 Image (decompressed) is read
// for its banner: a Debian cloud Image is about 40 MB.
const maxImageScanBytes = 256 << 20

// arm64ImageRelease reads the kernel release from an arm64 Image's
// linux_banner; the Image has no header field that holds it.
func arm64ImageRelease(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var r io.Reader = f
	magic := make([]byte, 2)
	if _, err := io.ReadFull(f, magic); err == nil && bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return "", err
		}
		z, err := gzip.NewReader(f)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		r = z
	} else if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	data, err := io.ReadAll(io.LimitReader(r, maxImageScanBytes))
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if m := linuxBanner.FindSubmatch(data); m != nil {
		return string(m[1]), nil
	}
	return "", fmt.Errorf("%s: no \"Linux version\" banner in the first %d MiB of the Image", path, maxImageScanBytes>>20)
}

// KernelRelease reads the release of a kernel image of either machine.
func KernelRelease(path string) (string, error) {
	arch, err := ImageArch(path)
	if err != nil {
		return "", err
	}
	if arch == "arm64" {
		return arm64ImageRelease(path)
	}
	return BzImageRelease(path)
}
