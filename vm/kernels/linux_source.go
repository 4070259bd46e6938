package kernels

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// linuxSource is one Debian linux-source-X.Y package at one version, and
// the apt configuration that can download it.
type linuxSource struct {
	Root aptRoot
	*aptCandidate
}

// XY is the X.Y of linux-source-X.Y.
func (s linuxSource) XY() string { return strings.TrimPrefix(s.Package, "linux-source-") }

// findLinuxSource picks the linux-source a build: spec builds from. The
// host's own sources come first (no private lists to fetch, and the same
// source as before for the versions the host carries); otherwise the
// newest version among sourceArchives wins, so build:7.2 takes sid's 7.2.13
// over trixie-backports' 7.2.12. A miss does not refresh any lists: a
// version that only one archive carries would otherwise cost every run an
// update of all the others.
func (r *Resolver) findLinuxSource(ctx context.Context, version string) (linuxSource, error) {
	if version == LatestSource {
		return r.newestLinuxSource(ctx)
	}
	pkg := "linux-source-" + version
	if _, c, err := r.findNewest(ctx, "", "", pkg, false); err == nil && c != nil {
		return linuxSource{hostApt, c}, nil
	}
	var best linuxSource
	for _, archive := range sourceArchives {
		root, c, err := r.findNewest(ctx, archive, "", pkg, false)
		if err != nil {
			return best, err
		}
		if c != nil && (best.aptCandidate == nil || debVersionLess(best.Version, c.Version)) {
			best = linuxSource{root, c}
		}
	}
	if best.aptCandidate == nil {
		return best, setup.Errorf("build:%s: no %s in the host's apt sources nor in Debian %s: pick a version Debian packages (build:latest takes the newest)", version, pkg, strings.Join(sourceArchives, ", "))
	}
	return best, nil
}

// newestLinuxSource is the highest linux-source-X.Y across sourceArchives
// whose newest version is a release: experimental's release candidates
// (VERSION~rcN) are not what a distribution ships.
func (r *Resolver) newestLinuxSource(ctx context.Context) (linuxSource, error) {
	var best linuxSource
	for _, archive := range sourceArchives {
		root, err := r.aptRootFor(ctx, archive, "", false)
		if err != nil {
			return best, err
		}
		cs, err := aptCandidates(ctx, root, "linux-source-[0-9]*")
		if err != nil {
			return best, err
		}
		for _, c := range cs {
			if isReleaseCandidate(c.Version) {
				continue
			}
			if best.aptCandidate == nil || debVersionLess(best.Version, c.Version) {
				best = linuxSource{root, c}
			}
		}
	}
	if best.aptCandidate == nil {
		return best, setup.Errorf("build:latest: no released linux-source-X.Y in Debian %s: check the network, or name a version (build:6.12:CONFIG)", strings.Join(sourceArchives, ", "))
	}
	return best, nil
}

func isReleaseCandidate(debVersion string) bool { return strings.Contains(debVersion, "~rc") }

// linuxSourceTarball is the path of src's linux-source-X.Y.tar.xz, kept
// in the cache by the package's sha256 so that kernel builds, mutants and
// selftests download each source once.
func (r *Resolver) linuxSourceTarball(ctx context.Context, src linuxSource) (string, error) {
	dir, err := r.Cache.Fill("linux-source", src.SHA256, func(tmp string) error {
		return keepSourceTarball(ctx, src, tmp, r.logf)
	})
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, src.Package+".tar.xz"), nil
}

// extractLinuxSource unpacks src's tarball into dir/linux-source-X.Y.
func (r *Resolver) extractLinuxSource(ctx context.Context, src linuxSource, dir string) error {
	tarball, err := r.linuxSourceTarball(ctx, src)
	if err != nil {
		return err
	}
	r.logf("extracting %s", filepath.Base(tarball))
	if out, err := setup.Command(ctx, "", nil, "tar", "-xf", tarball, "-C", dir); err != nil {
		return setup.Errorf("extracting %s from %s failed: %s", filepath.Base(tarball), src.Package, setup.LastLine(out))
	}
	return nil
}

// sourceTarball downloads the linux-source .deb into dl and unpacks it
// there; it returns the path of the package's linux-source-X.Y.tar.xz.
func sourceTarball(ctx context.Context, src linuxSource, dl string, logf func(string, ...any)) (string, error) {
	if err := os.MkdirAll(dl, 0o755); err != nil {
		return "", err
	}
	logf("downloading %s %s (%s)", src.Package, src.Version, src.Root.Label)
	deb, err := downloadDeb(ctx, src.Root, src.aptCandidate, dl)
	if err != nil {
		return "", err
	}
	x := filepath.Join(dl, "x")
	if out, err := setup.Command(ctx, "", nil, "dpkg-deb", "-x", deb, x); err != nil {
		return "", setup.Errorf("`dpkg-deb -x %s` failed: %s", filepath.Base(deb), setup.LastLine(out))
	}
	return filepath.Join(x, "usr", "src", src.Package+".tar.xz"), nil
}

// keepSourceTarball keeps only the linux-source package's tarball in tmp
// (never installing the package).
func keepSourceTarball(ctx context.Context, src linuxSource, tmp string, logf func(string, ...any)) error {
	dl := filepath.Join(tmp, "deb")
	defer os.RemoveAll(dl)
	tarball, err := sourceTarball(ctx, src, dl, logf)
	if err != nil {
		return err
	}
	return os.Rename(tarball, filepath.Join(tmp, filepath.Base(tarball)))
}

// LinuxSourceTarball is the cached linux-source-X.Y.tar.xz of version xy
// (found as a build: kernel's source is) and the package it came from
// ("linux-source-7.3 7.3.4-1~bpo13+1").
func (r *Resolver) LinuxSourceTarball(ctx context.Context, xy string) (tarball, source string, err error) {
	src, err := r.findLinuxSource(ctx, xy)
	if err != nil {
		return "", "", err
	}
	tarball, err = r.linuxSourceTarball(ctx, src)
	return tarball, src.Package + " " + src.Version, err
}
