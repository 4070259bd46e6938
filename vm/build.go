package vm

import (
	"context"
	"path/filepath"
	"slices"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// builds is what the build stage hands to the kernels, by architecture.
type builds struct {
	areas  []string
	suites map[string][]string           // the suite binaries
	guests map[string]string             // /init, also the native run's probe tool
	roles  map[string]image.RoleBinaries // cmd/pidfdconf-role and cmd/pidfdconf-role-c
	broken map[string]map[string]string  // area → why it did not compile
	images map[string]*image.Image       // only for arches that boot VMs
	// The kernel's own selftests per kernel name, or why a kernel has none.
	selftests     map[string]*image.Selftests
	selftestNotes map[string]string
	// What the kselftest jobs boot (matrix -kselftest), nil without.
	kselftest *kselftestGuests
}

// checkoutBinDir holds the checkout's compiled suites and /init. Binaries
// live in the cache, not the run directory: go skips the link when the
// existing binary is already up to date (seconds per suite). Each checkout
// has its own directory, so runs from two checkouts at once never put each
// other's suites into their images; claimBinDir keeps two runs of one
// checkout apart.
func (cfg RunConfig) checkoutBinDir() string {
	root, _ := filepath.Abs(cfg.Root)
	return filepath.Join(cfg.Cache.Dir, "bin", cache.HashStrings(root)[:12])
}

// binDir is the directory claimBinDir gave this run.
func (cfg RunConfig) binDir() string {
	if cfg.bins == "" {
		panic("vm: binaries built before claimBinDir")
	}
	return cfg.bins
}

// buildImages builds the suites and /init for every arch the run needs and,
// for the arches that boot, the initramfs.
func buildImages(ctx context.Context, cfg RunConfig, ks []*kernels.Kernel, resolver *kernels.Resolver) (*builds, error) {
	areas, err := image.DiscoverSuites(cfg.Root)
	if err != nil {
		return nil, err
	}
	areas = cfg.Filter.Suites(areas)
	if len(areas) == 0 {
		cfg.logf("no suites found (suites/*/*_suite_test.go): kernels are booted and only the boot row is judged")
	} else {
		cfg.logf("suites: %v", areas)
	}
	b := &builds{areas: areas, suites: map[string][]string{}, guests: map[string]string{}, roles: map[string]image.RoleBinaries{},
		broken: map[string]map[string]string{}, images: map[string]*image.Image{}}
	// lsm-selinux: the guest loads Debian's reference policy, or SELinux permits everything.
	extraFiles, err := image.SELinuxFiles(ctx, cfg.logf, cfg.Cache.Dir, ks, cfg.Append)
	if err != nil {
		return nil, err
	}
	arches := vmArches(ks)
	for _, arch := range sortedArches(arches, hasHost(ks)) {
		if err := b.buildArch(ctx, cfg, arch, arches[arch], extraFiles); err != nil {
			return nil, err
		}
	}
	b.selftests, b.selftestNotes = map[string]*image.Selftests{}, map[string]string{}
	if cfg.Selftests {
		b.selftests, b.selftestNotes = image.PrepareSelftests(ctx, cfg.logf, ks, resolver)
	}
	if cfg.Kselftest {
		if b.kselftest, err = prepareKselftest(ctx, cfg, ks, resolver); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// buildArch builds one arch's binaries, and its initramfs when withImage.
// Host-arch suite binaries serve both the native run and amd64 VMs.
func (b *builds) buildArch(ctx context.Context, cfg RunConfig, arch string, withImage bool, extraFiles []image.File) error {
	t := time.Now()
	binDir := cfg.binDir()
	bins, broken, err := image.BuildSuites(ctx, cfg.Root, filepath.Join(binDir, arch), arch, b.areas)
	if err != nil {
		return cache.WriteError(binDir, err)
	}
	for _, why := range broken {
		cfg.logf("WARNING: %s", format.Truncate(why, 400))
	}
	b.broken[arch] = broken
	b.suites[arch] = bins
	initBin, err := image.BuildGuest(ctx, cfg.Root, binDir, arch, cfg.logf)
	if err != nil {
		return err
	}
	b.guests[arch] = initBin
	roles, err := image.BuildRoleBinaries(ctx, cfg.Root, binDir, arch, cfg.logf)
	if err != nil {
		return err
	}
	b.roles[arch] = roles
	if !withImage {
		return nil // only the native run needs this arch
	}
	extraFiles = append(slices.Clip(extraFiles), image.File{Name: frame.RoleBinaryPath, Src: roles.Go, Executable: true},
		image.File{Name: frame.RoleCBinaryPath, Src: roles.C, Executable: true})
	img, err := image.WriteCached(cfg.Cache, arch, initBin, bins, extraFiles...)
	if err != nil {
		return err
	}
	b.images[arch] = img
	cfg.logf("initramfs %s: %.1f MB, sha256 %s, suites %v (built in %s)", arch, float64(img.Size)/1e6, img.SHA256[:12], img.Suites, format.Duration(time.Since(t)))
	return nil
}

// suitesImage is the initramfs k's suites boot: the arch's image with k's
// config, which /init names to the suites, when it has one.
func (b *builds) suitesImage(cfg RunConfig, k *kernels.Kernel) *image.Image {
	if k.Config == "" {
		return b.images[k.Arch]
	}
	l, err := image.ConfigLayer(k.Config)
	if err == nil {
		var img *image.Image
		if img, err = image.WithLayers(cfg.Cache, b.images[k.Arch], l); err == nil {
			return img
		}
	}
	cfg.logf("kernel %s boots without its config: %v", k.Name, err)
	return b.images[k.Arch]
}

// selftestsImage is the initramfs of k's selftests VM: /init and the
// kernel's own pidfd selftests of k's version, no suites.
func (b *builds) selftestsImage(cfg RunConfig, k *kernels.Kernel) (*image.Image, error) {
	bare, err := image.WriteCached(cfg.Cache, k.Arch, b.guests[k.Arch], nil)
	if err != nil {
		return nil, err
	}
	return image.WithLayers(cfg.Cache, bare, b.selftests[k.Name].Layer())
}

// vmArches are the architectures of the kernels that boot in QEMU.
func vmArches(ks []*kernels.Kernel) map[string]bool {
	arches := map[string]bool{}
	for _, k := range ks {
		if k.Spec.Kind != kernels.KindHost {
			arches[k.Arch] = true
		}
	}
	return arches
}

func hasHost(ks []*kernels.Kernel) bool {
	for _, k := range ks {
		if k.Spec.Kind == kernels.KindHost {
			return true
		}
	}
	return false
}

// sortedArches lists the arches to build: those with VMs, plus the host's
// when the native run needs binaries.
func sortedArches(vmArches map[string]bool, host bool) []string {
	var out []string
	for _, a := range []string{"amd64", "386", "arm64"} {
		if vmArches[a] || (host && a == kernels.HostArch()) {
			out = append(out, a)
		}
	}
	return out
}
