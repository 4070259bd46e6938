package kernels

import (
	"context"
	"os"
	"path/filepath"
	"slices"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// BusyboxPackage is the guest's shell and tools for the kernel's own
// runner (run_kselftest.sh, kselftest/runner.sh): one static binary, no
// libraries, every applet they call (sh, grep, sed, cut, tr, wc, sort,
// uniq, basename, dirname, cat, mktemp, timeout).
const BusyboxPackage = "busybox-static"

// BusyboxArchive is the Debian archive busybox comes from: the stable
// release whose userland labs run (the backports archive, where the newest
// kernels are, carries no busybox), the same for every host.
const BusyboxArchive = "trixie"

// BusyboxArches are the kernel architectures a busybox guest boots.
var BusyboxArches = []string{"amd64", "arm64"}

// Busybox is the static busybox binary of Debian's busybox-static for
// arch (a GOARCH: the guest kernel's, which runs it), downloaded through
// a private apt configuration of BusyboxArchive, checked against the
// archive's signed lists and kept in the cache under the package's
// sha256; source names the package ("busybox-static 1:1.37.0-6+b3 arm64").
func (r *Resolver) Busybox(ctx context.Context, arch string) (path, source string, err error) {
	if !slices.Contains(BusyboxArches, arch) {
		return "", "", setup.Errorf("no busybox guest for a %q kernel: busybox-static is fetched for %v kernels", arch, BusyboxArches)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// A named archive: its private configuration even for the host's
	// architecture, the same archive whatever release the host runs.
	root, c, err := r.findNewest(ctx, BusyboxArchive, arch, BusyboxPackage, true)
	if err != nil {
		return "", "", err
	}
	if c == nil {
		return "", "", setup.Errorf("%s is not in %s: the guest's shell comes from it (check %s/dists/%s, or the lists in %s)", BusyboxPackage, root.Label, "the Debian mirror", BusyboxArchive, root.Lists)
	}
	dir, err := r.Cache.Fill("busybox", c.SHA256, func(tmp string) error {
		dl := filepath.Join(tmp, "deb")
		if err := os.MkdirAll(dl, 0o755); err != nil {
			return err
		}
		defer os.RemoveAll(dl)
		r.logf("downloading %s %s (%s)", c.Package, c.Version, root.Label)
		deb, err := downloadDeb(ctx, root, c, dl)
		if err != nil {
			return err
		}
		x := filepath.Join(dl, "x")
		if out, err := setup.Command(ctx, "", nil, "dpkg-deb", "-x", deb, x); err != nil {
			return setup.Errorf("`dpkg-deb -x %s` failed: %s", filepath.Base(deb), setup.LastLine(out))
		}
		// /usr/bin since trixie's merged /usr, /bin before.
		for _, bin := range []string{"usr/bin/busybox", "bin/busybox"} {
			if st, err := os.Lstat(filepath.Join(x, bin)); err == nil && st.Mode().IsRegular() {
				return os.Rename(filepath.Join(x, bin), filepath.Join(tmp, "busybox"))
			}
		}
		return setup.Errorf("%s %s holds no /usr/bin/busybox or /bin/busybox", c.Package, c.Version)
	})
	if err != nil {
		return "", "", err
	}
	return filepath.Join(dir, "busybox"), c.Package + " " + c.Version + " " + arch, nil
}
