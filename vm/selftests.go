package vm

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/u-root/u-root/pkg/cpio"

	"github.com/pidfdconf/pidfdconf/internal/selftests"
)

// The kernel's own pidfd selftests run in every VM as a cross-check: built
// from the Debian linux-source of the kernel's X.Y (cached by content),
// appended to the initramfs as a second cpio archive (the kernel unpacks
// concatenated archives in order), run by the guest after the suites, and
// compared with the specs that mirror them (crosscheck.go).

// selftestSet is one version's selftests, ready to boot.
type selftestSet struct {
	Build  *selftests.Build
	Source string // "linux-source-7.3 7.3.4-1~bpo13+1"
}

// prepareSelftests builds the selftests for every VM kernel whose version
// it can tell, one build per X.Y; a kernel it cannot serve gets a note
// instead (the cross-check is then "not run", never a verdict).
func prepareSelftests(ctx context.Context, cfg RunConfig, kernels []*Kernel, resolver *Resolver) (sets map[string]*selftestSet, notes map[string]string) {
	sets, notes = map[string]*selftestSet{}, map[string]string{}
	if !cfg.Selftests {
		return sets, notes
	}
	if missing := selftests.MissingPackages(); len(missing) > 0 {
		if err := ensurePackages(ctx, cfg.logf, "building the kernel's pidfd selftests", missing...); err != nil {
			for _, k := range kernels {
				notes[k.Name] = err.Error()
			}
			return sets, notes
		}
	}
	byVersion := map[string]*selftestSet{}
	for _, k := range kernels {
		if k.Spec.Kind == KindHost || k.Arch != "amd64" {
			notes[k.Name] = "selftests run in amd64 VMs only"
			continue
		}
		release, err := BzImageRelease(k.BzImage)
		if err != nil {
			notes[k.Name] = err.Error()
			continue
		}
		xy := majorMinor(release)
		set, ok := byVersion[xy]
		if !ok {
			set, err = resolver.buildSelftests(ctx, xy)
			if err != nil {
				cfg.logf("selftests for %s: %v", xy, err)
			}
			byVersion[xy] = set
		}
		if set == nil {
			notes[k.Name] = fmt.Sprintf("no pidfd selftests for %s: %v", xy, err)
			continue
		}
		sets[k.Name] = set
	}
	return sets, notes
}

// buildSelftests downloads Debian's linux-source-X.Y (the tarball is kept
// in the cache by the package's sha256) and builds its pidfd selftests.
func (r *Resolver) buildSelftests(ctx context.Context, xy string) (*selftestSet, error) {
	src, err := r.findLinuxSource(ctx, xy)
	if err != nil {
		return nil, err
	}
	tarball, err := r.linuxSourceTarball(ctx, src)
	if err != nil {
		return nil, err
	}
	b, err := selftests.BuildPidfd(tarball, filepath.Join(r.Cache.Dir, "selftests"), r.logWriter())
	if err != nil {
		return nil, err
	}
	for _, f := range b.Failures {
		r.logf("selftest %s of %s does not compile: %s", f.Program, xy, f.Error)
	}
	return &selftestSet{Build: b, Source: src.Package + " " + src.Version}, nil
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

func (r *Resolver) logWriter() io.Writer {
	if r.Log == nil {
		return io.Discard
	}
	return r.Log
}

// majorMinor is the X.Y of a release string ("7.3.4+deb13-cloud-amd64").
func majorMinor(release string) string {
	parts := strings.SplitN(release, ".", 3)
	if len(parts) < 2 {
		return release
	}
	return parts[0] + "." + strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
}

// BzImageRelease reads the kernel release from a bzImage's setup header
// (the kernel_version field, boot protocol 2.00+): the first word of
// "7.3.4+deb13-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP ...".
// errNoSetupHeader: the file lacks the x86 boot protocol's "HdrS" at
// 0x202, so QEMU could not boot it as a Linux kernel.
var errNoSetupHeader = errors.New("no HdrS setup header")

func BzImageRelease(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	hdr := make([]byte, 0x210)
	if _, err := io.ReadFull(f, hdr); err != nil || string(hdr[0x202:0x206]) != "HdrS" {
		return "", fmt.Errorf("%s is not a bzImage (%w): cannot tell its version", path, errNoSetupHeader)
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

// withSelftests is base followed by a second newc archive holding the
// set's directory as /selftests, cached next to the base image.
func (c Cache) withSelftests(base *Image, set *selftestSet) (string, error) {
	key := hashStrings(base.SHA256, set.Build.Dir)[:16]
	path := strings.TrimSuffix(base.Path, ".cpio") + "-selftests-" + key + ".cpio"
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	recs := []cpio.Record{cpio.Directory("selftests", 0o755)}
	entries, err := os.ReadDir(set.Build.Dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(set.Build.Dir, e.Name()))
		if err != nil {
			return "", err
		}
		recs = append(recs, cpio.StaticRecord(data, cpio.Info{Name: "selftests/" + e.Name(), Mode: cpio.S_IFREG | 0o755}))
	}
	for i := range recs {
		recs[i].Ino = uint64(1_000_000 + i) // apart from the base archive's
		recs[i].NLink = 1
	}
	cpio.MakeAllReproducible(recs)
	extra := path + ".extra"
	defer os.Remove(extra)
	if _, _, err := writeCPIO(extra, recs); err != nil {
		return "", err
	}
	return path, concatFiles(path, base.Path, extra)
}

// concatFiles writes the inputs one after the other to dst, atomically.
func concatFiles(dst string, inputs ...string) error {
	tmp := dst + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // a no-op after the rename
	for _, in := range inputs {
		if err := appendFile(out, in); err != nil {
			out.Close()
			return err
		}
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

func appendFile(out io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(out, f)
	return err
}
