package kernels

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// checkKernelImage rejects anything QEMU could not boot as a Linux kernel,
// so a wrong path is a setup error now rather than a MISS later. It returns
// the machine the image boots on (amd64 for x86, arm64) and the kernel's
// release when the image names one ("" otherwise).
func checkKernelImage(path string) (arch, release string, err error) {
	if _, err := os.Stat(path); err != nil {
		return "", "", setup.Errorf("kernel %s: %v (give the path of an existing bzImage or arm64 Image)", path, err)
	}
	arch, err = ImageArch(path)
	if errors.Is(err, ErrNoSetupHeader) {
		return "", "", setup.Errorf("kernel %s is neither an x86 bzImage (no \"HdrS\" at 0x202) nor an arm64 Image (no \"ARM\\x64\" at 56, plain or gzip'd): point file: at arch/x86/boot/bzImage, arch/arm64/boot/Image or /boot/vmlinuz-*", path)
	}
	if err != nil {
		return "", "", setup.Errorf("kernel %s: %v", path, err)
	}
	release, _ = KernelRelease(path)
	return arch, release, nil
}

// resolveFile checks a file: kernel and finds its config: the one the spec
// names, else one beside the image (<image>.config, .config, config), else
// the one a kernel built with CONFIG_IKCONFIG carries inside.
func (r *Resolver) resolveFile(ctx context.Context, s KernelSpec) (*Kernel, error) {
	path, err := filepath.Abs(s.Path)
	if err != nil {
		return nil, setup.Errorf("kernel spec %q: %v", s.Raw, err)
	}
	arch, release, err := checkKernelImage(path)
	if err != nil {
		return nil, err
	}
	k := &Kernel{Spec: s, Name: SafeName(filepath.Base(path)), Describe: "file " + path, BzImage: path, Arch: arch}
	if release != "" {
		k.Describe += " " + release
	}
	sum, err := cache.HashFile(path)
	if err != nil {
		return nil, setup.Errorf("kernel %s: %v", path, err)
	}
	k.Describe += " (sha256 " + sum[:12] + ")"
	if s.ConfigFile != "" {
		if _, err := os.Stat(s.ConfigFile); err != nil {
			return nil, setup.Errorf("kernel spec %q: its config: %v (name an existing .config after the last ':')", s.Raw, err)
		}
		k.Config, k.ConfigSource = s.ConfigFile, "named in the spec"
		return k, nil
	}
	for _, c := range []string{path + ".config", filepath.Join(filepath.Dir(path), ".config"), filepath.Join(filepath.Dir(path), "config")} {
		if _, err := os.Stat(c); err == nil {
			k.Config, k.ConfigSource = c, "beside the image"
			return k, nil
		}
	}
	dir, err := r.Cache.Fill("ikconfig", sum[:32], func(tmp string) error {
		if err := embeddedConfig(ctx, path, filepath.Join(tmp, "config")); err != nil {
			return os.WriteFile(filepath.Join(tmp, noConfigFile), []byte(err.Error()+"\n"), 0o644)
		}
		return nil
	})
	if err == nil && fileExists(filepath.Join(dir, "config")) {
		k.Config, k.ConfigSource = filepath.Join(dir, "config"), "embedded in the kernel (CONFIG_IKCONFIG)"
	}
	return k, nil
}

// noConfigFile says why a kernel carries no config, so the extraction is
// not retried on every run.
const noConfigFile = "no-config.txt"
