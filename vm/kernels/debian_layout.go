package kernels

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Debian packages a kernel in one of two layouts:
//
//   - whole: linux-image-VERSION holds /boot/vmlinuz-VERSION and
//     /boot/config-VERSION (6.1, 6.12);
//   - split: linux-image-VERSION is a meta package depending on exact
//     versions of linux-binary-VERSION (/usr/lib/modules/VERSION/vmlinuz)
//     and linux-base-VERSION (/usr/lib/modules/VERSION/config), the
//     packaging of the 6.16+ kernels.
//
// Both are read from the .deb files themselves, so a layout is recognised
// by what the package contains, not by its version.

// debPart is one package, at one exact version, that a kernel needs.
type debPart struct{ Package, Version string }

// kernelImageGlobs and kernelConfigGlobs are where either layout puts the
// image and its config, relative to an extracted tree.
var (
	kernelImageGlobs  = []string{"boot/vmlinuz-*", "usr/lib/modules/*/vmlinuz"}
	kernelConfigGlobs = []string{"boot/config-*", "usr/lib/modules/*/config"}
)

// splitDepends matches the exact-version dependencies of a split meta
// package on the packages carrying the image and the config.
var splitDepends = regexp.MustCompile(`^(linux-(?:binary|base)-\S+)\s*\(\s*=\s*([^)\s]+)\s*\)$`)

// splitKernelParts reads a linux-image .deb: nil when it holds the kernel
// itself, else the linux-binary-* and linux-base-* packages it depends on.
func splitKernelParts(ctx context.Context, deb string) ([]debPart, error) {
	out, err := setup.Command(ctx, "", nil, "dpkg-deb", "--contents", deb)
	if err != nil {
		return nil, setup.Errorf("`dpkg-deb --contents %s` failed: %s", filepath.Base(deb), setup.LastLine(out))
	}
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		name := strings.TrimPrefix(f[len(f)-1], "./")
		for _, g := range kernelImageGlobs {
			if ok, _ := filepath.Match(g, name); ok {
				return nil, nil
			}
		}
	}
	dep, err := setup.Command(ctx, "", nil, "dpkg-deb", "--field", deb, "Depends")
	if err != nil {
		return nil, setup.Errorf("`dpkg-deb --field %s Depends` failed: %s", filepath.Base(deb), setup.LastLine(dep))
	}
	parts := parseSplitDepends(string(dep))
	if len(parts) == 0 {
		return nil, setup.Errorf("%s holds no kernel image (%s) and depends on no linux-binary-*: is it a linux-image package?", filepath.Base(deb), strings.Join(kernelImageGlobs, ", "))
	}
	return parts, nil
}

// parseSplitDepends picks the exact linux-binary-*/linux-base-* versions out
// of a Depends field; alternatives ("a | b") are never kernel parts.
func parseSplitDepends(depends string) []debPart {
	var parts []debPart
	for _, d := range strings.Split(depends, ",") {
		if m := splitDepends.FindStringSubmatch(strings.TrimSpace(d)); m != nil {
			parts = append(parts, debPart{Package: m[1], Version: m[2]})
		}
	}
	return parts
}

// extractKernel unpacks the given .deb files (one kernel's packages) into a
// scratch tree and moves the image to out/bzImage and, when a package
// carries one, the config to out/config.
func extractKernel(ctx context.Context, debs []string, out string) error {
	x := filepath.Join(out, "x")
	defer os.RemoveAll(x)
	for _, d := range debs {
		if o, err := setup.Command(ctx, "", nil, "dpkg-deb", "-x", d, x); err != nil {
			return setup.Errorf("`dpkg-deb -x %s` failed: %s", filepath.Base(d), setup.LastLine(o))
		}
	}
	img := globOne(x, kernelImageGlobs)
	if img == "" {
		return setup.Errorf("%s: no kernel image at %s", filepath.Base(debs[0]), strings.Join(kernelImageGlobs, " or "))
	}
	if err := os.Rename(img, filepath.Join(out, "bzImage")); err != nil {
		return err
	}
	if cfg := globOne(x, kernelConfigGlobs); cfg != "" {
		if err := os.Rename(cfg, filepath.Join(out, "config")); err != nil {
			return err
		}
	}
	_, _, err := checkKernelImage(filepath.Join(out, "bzImage"))
	return err
}

// globOne is the single match of the first glob that matches exactly one
// file under dir, "" when none does.
func globOne(dir string, globs []string) string {
	for _, g := range globs {
		if m, _ := filepath.Glob(filepath.Join(dir, g)); len(m) == 1 {
			return m[0]
		}
	}
	return ""
}
