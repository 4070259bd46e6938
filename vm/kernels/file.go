package kernels

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// checkBzImage rejects anything QEMU could not boot as a Linux kernel, so a
// wrong path is a setup error now rather than a MISS later. It returns the
// kernel's release when the setup header names one ("" otherwise).
func checkBzImage(path string) (string, error) {
	if _, err := os.Stat(path); err != nil {
		return "", setup.Errorf("kernel %s: %v (give the path of an existing bzImage)", path, err)
	}
	release, err := BzImageRelease(path)
	if errors.Is(err, ErrNoSetupHeader) {
		return "", setup.Errorf("kernel %s is not an x86 bzImage (no \"HdrS\" at 0x202): point file: at arch/x86/boot/bzImage or /boot/vmlinuz-*", path)
	}
	return release, nil
}

func resolveFile(s KernelSpec) (*Kernel, error) {
	path, err := filepath.Abs(s.Path)
	if err != nil {
		return nil, setup.Errorf("kernel spec %q: %v", s.Raw, err)
	}
	release, err := checkBzImage(path)
	if err != nil {
		return nil, err
	}
	k := &Kernel{Spec: s, Name: SafeName(filepath.Base(path)), Describe: "file " + path, BzImage: path, Arch: "amd64"}
	if release != "" {
		k.Describe += " " + release
	}
	// A config next to the image (.config, config, or <image>.config) is used
	// when present; it is optional.
	for _, c := range []string{path + ".config", filepath.Join(filepath.Dir(path), ".config"), filepath.Join(filepath.Dir(path), "config")} {
		if _, err := os.Stat(c); err == nil {
			k.Config = c
			break
		}
	}
	if sum, err := cache.HashFile(path); err == nil {
		k.Describe += " (sha256 " + sum[:12] + ")"
	}
	return k, nil
}
