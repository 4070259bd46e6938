package kernels

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MajorMinor is the X.Y of a release string ("7.3.4+deb13-cloud-amd64").
func MajorMinor(release string) string {
	parts := strings.SplitN(release, ".", 3)
	if len(parts) < 2 {
		return release
	}
	return parts[0] + "." + strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
}

// ErrNoSetupHeader: the file lacks the x86 boot protocol's "HdrS" at
// 0x202, so QEMU could not boot it as a Linux kernel.
var ErrNoSetupHeader = errors.New("no HdrS setup header")

// BzImageRelease reads the kernel release from a bzImage's setup header
// (the kernel_version field, boot protocol 2.00+): the first word of
// "7.3.4+deb13-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP ...".
func BzImageRelease(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	hdr := make([]byte, 0x210)
	if _, err := io.ReadFull(f, hdr); err != nil || string(hdr[0x202:0x206]) != "HdrS" {
		return "", fmt.Errorf("%s is not a bzImage (%w): cannot tell its version", path, ErrNoSetupHeader)
	}
	off := int64(binary.LittleEndian.Uint16(hdr[0x20e:])) + 0x200
	buf := make([]byte, 128)
	n, _ := f.ReadAt(buf, off)
	release, _, _ := strings.Cut(string(buf[:n]), " ")
	if release == "" || !strings.ContainsAny(release[:1], "0123456789") {
		return "", fmt.Errorf("%s: no kernel version string in the setup header", path)
	}
	return release, nil
}
