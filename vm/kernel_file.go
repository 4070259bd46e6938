package vm

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"
)

// bzImageMagic is the x86 boot protocol header signature at offset 0x202.
var bzImageMagic = []byte("HdrS")

// checkBzImage rejects anything QEMU could not boot as a Linux kernel, so a
// wrong path is a setup error now rather than a MISS later.
func checkBzImage(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return setupErrorf("kernel %s: %v (give the path of an existing bzImage)", path, err)
	}
	defer f.Close()
	buf := make([]byte, 4)
	if _, err := f.ReadAt(buf, 0x202); err != nil || !bytes.Equal(buf, bzImageMagic) {
		return setupErrorf("kernel %s is not an x86 bzImage (no \"HdrS\" at 0x202): point file: at arch/x86/boot/bzImage or /boot/vmlinuz-*", path)
	}
	return nil
}

func resolveFile(s KernelSpec) (*Kernel, error) {
	path, err := filepath.Abs(s.Path)
	if err != nil {
		return nil, setupErrorf("kernel spec %q: %v", s.Raw, err)
	}
	if err := checkBzImage(path); err != nil {
		return nil, err
	}
	k := &Kernel{Spec: s, Name: safeName(filepath.Base(path)), Describe: "file " + path, BzImage: path, Arch: "amd64"}
	// A config next to the image (.config, config, or <image>.config) is used
	// when present; it is optional.
	for _, c := range []string{path + ".config", filepath.Join(filepath.Dir(path), ".config"), filepath.Join(filepath.Dir(path), "config")} {
		if _, err := os.Stat(c); err == nil {
			k.Config = c
			break
		}
	}
	if sum, err := hashFile(path); err == nil {
		k.Describe += " (sha256 " + sum[:12] + ")"
	}
	return k, nil
}

func hostRelease() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return "unknown"
	}
	return unix.ByteSliceToString(u.Release[:])
}

func hostArch() string { return runtime.GOARCH }
