package image

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pidfdconf/pidfdconf/internal/selftests"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// The kernel's own pidfd selftests run in every VM as a cross-check: built
// from the Debian linux-source of the kernel's X.Y (cached by content),
// appended to the initramfs as a second cpio archive (the kernel unpacks
// concatenated archives in order), run by the guest after the suites, and
// compared with the specs that mirror them (vm/judge/crosscheck.go).

// Selftests is one version's selftests, ready to boot.
type Selftests struct {
	Build  *selftests.Build
	Source string // "linux-source-7.3 7.3.4-1~bpo13+1"
}

// PrepareSelftests builds the selftests for every VM kernel whose version
// it can tell, one build per X.Y; a kernel it cannot serve gets a note
// instead (the cross-check is then "not run", never a verdict).
func PrepareSelftests(ctx context.Context, logf func(string, ...any), ks []*kernels.Kernel, r *kernels.Resolver) (sets map[string]*Selftests, notes map[string]string) {
	sets, notes = map[string]*Selftests{}, map[string]string{}
	ready := map[string]error{} // the build packages of an arch, installed or why not
	byBuild := map[string]*Selftests{}
	for _, k := range ks {
		if k.Spec.Kind == kernels.KindHost || k.KernelArch != "" {
			notes[k.Name] = "selftests run in VMs of amd64 and arm64 kernels with their own userspace only"
			continue
		}
		err, ok := ready[k.Arch]
		if !ok {
			err = ensureBuildPackages(ctx, logf, k.Arch)
			ready[k.Arch] = err
		}
		if err != nil {
			notes[k.Name] = err.Error()
			continue
		}
		release, err := kernels.KernelRelease(k.BzImage)
		if err != nil {
			notes[k.Name] = err.Error()
			continue
		}
		xy := kernels.MajorMinor(release)
		set, ok := byBuild[xy+"/"+k.Arch]
		if !ok {
			set, err = buildSelftests(ctx, logf, r, xy, k.Arch)
			if err != nil {
				logf("selftests for %s (%s): %v", xy, k.Arch, err)
			}
			byBuild[xy+"/"+k.Arch] = set
		}
		if set == nil {
			notes[k.Name] = fmt.Sprintf("no pidfd selftests for %s (%s): %v", xy, k.Arch, err)
			continue
		}
		sets[k.Name] = set
	}
	return sets, notes
}

// ensureBuildPackages installs what building the selftests for goarch needs
// (the cross-compiler and its libc for arm64), or says why it cannot.
func ensureBuildPackages(ctx context.Context, logf func(string, ...any), goarch string) error {
	missing, err := selftests.MissingPackagesFor(goarch)
	if err != nil || len(missing) == 0 {
		return err
	}
	return setup.EnsurePackages(ctx, logf, "building the kernel's pidfd selftests for "+goarch, missing...)
}

// buildSelftests builds the pidfd selftests of Debian's linux-source-X.Y
// for goarch (its tarball is kept in the cache by the package's sha256).
func buildSelftests(ctx context.Context, logf func(string, ...any), r *kernels.Resolver, xy, goarch string) (*Selftests, error) {
	tarball, source, err := r.LinuxSourceTarball(ctx, xy)
	if err != nil {
		return nil, err
	}
	log := io.Discard
	if r.Log != nil {
		log = r.Log
	}
	b, err := selftests.BuildPidfdFor(ctx, tarball, filepath.Join(r.Cache.Dir, "selftests"), goarch, log)
	if err != nil {
		return nil, err
	}
	for _, f := range b.Failures {
		logf("selftest %s of %s (%s) does not compile: %s", f.Program, xy, goarch, f.Error)
	}
	return &Selftests{Build: b, Source: source}, nil
}

// Layer is the selftests as a layer of the initramfs: /selftests.
func (set *Selftests) Layer() Layer {
	return Layer{Name: "selftests", Key: set.Build.Dir, Files: func() ([]File, error) {
		entries, err := os.ReadDir(set.Build.Dir)
		if err != nil {
			return nil, err
		}
		var files []File
		for _, e := range entries {
			files = append(files, File{Name: frame.SelftestsPath + "/" + e.Name(), Src: filepath.Join(set.Build.Dir, e.Name()), Executable: true})
		}
		return files, nil
	}}
}
