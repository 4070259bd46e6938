package vm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
// newest version among sourceSuites wins, so build:7.2 takes sid's 7.2.13
// over trixie-backports' 7.2.12. A miss does not refresh any lists: a
// version that only one suite carries would otherwise cost every run an
// update of all the others.
func (r *Resolver) findLinuxSource(ctx context.Context, version string) (linuxSource, error) {
	if version == LatestSource {
		return r.newestLinuxSource(ctx)
	}
	pkg := "linux-source-" + version
	if _, c, err := r.findNewest(ctx, "", pkg, false); err == nil && c != nil {
		return linuxSource{hostApt, c}, nil
	}
	var best linuxSource
	for _, suite := range sourceSuites {
		root, c, err := r.findNewest(ctx, suite, pkg, false)
		if err != nil {
			return best, err
		}
		if c != nil && (best.aptCandidate == nil || debVersionLess(best.Version, c.Version)) {
			best = linuxSource{root, c}
		}
	}
	if best.aptCandidate == nil {
		return best, setupErrorf("build:%s: no %s in the host's apt sources nor in Debian %s: pick a version Debian packages (build:latest takes the newest)", version, pkg, strings.Join(sourceSuites, ", "))
	}
	return best, nil
}

// newestLinuxSource is the highest linux-source-X.Y across sourceSuites
// whose newest version is a release: experimental's release candidates
// (VERSION~rcN) are not what a distribution ships.
func (r *Resolver) newestLinuxSource(ctx context.Context) (linuxSource, error) {
	var best linuxSource
	for _, suite := range sourceSuites {
		root, err := r.aptRootFor(ctx, suite, false)
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
		return best, setupErrorf("build:latest: no released linux-source-X.Y in Debian %s: check the network, or name a version (build:6.12:CONFIG)", strings.Join(sourceSuites, ", "))
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
	if out, err := runCmd(ctx, "", nil, "tar", "-xf", tarball, "-C", dir); err != nil {
		return setupErrorf("extracting %s from %s failed: %s", filepath.Base(tarball), src.Package, lastLine(out))
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
	if out, err := runCmd(ctx, "", nil, "dpkg-deb", "-x", deb, x); err != nil {
		return "", setupErrorf("`dpkg-deb -x %s` failed: %s", filepath.Base(deb), lastLine(out))
	}
	return filepath.Join(x, "usr", "src", src.Package+".tar.xz"), nil
}
