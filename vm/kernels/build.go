package kernels

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/procgroup"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/configs"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// buildTools are what `make bzImage` of a tinyconfig kernel needs on Debian
// (libelf-dev: objtool; libssl-dev: scripts/sign-file and friends).
var buildTools = []string{"build-essential", "flex", "bison", "bc", "libelf-dev", "libssl-dev", "xz-utils"}

// MakeArch is the kernel's ARCH= for a GOARCH.
func MakeArch(goarch string) string {
	switch goarch {
	case "386":
		return "i386"
	case "arm64":
		return "arm64"
	}
	return "x86_64"
}

// crossCompile is CROSS_COMPILE for building an ARCH= kernel on this host:
// Debian's aarch64-linux-gnu- (gcc-aarch64-linux-gnu) for arm64 elsewhere
// than on arm64; "" where the host's gcc builds it (x86_64 builds i386 too).
func crossCompile(arch string) string {
	if arch == "arm64" && runtime.GOARCH != "arm64" {
		return "aarch64-linux-gnu-"
	}
	return ""
}

// crossTools are the Debian packages a cross build of arch needs beyond
// buildTools.
func crossTools(arch string) []string {
	if crossCompile(arch) != "" {
		return []string{"gcc-aarch64-linux-gnu"}
	}
	return nil
}

// imageTarget is the make target of arch's bootable image and where the
// build leaves it: an x86 bzImage, or an arm64 Image, which QEMU boots
// without a decompressor.
func imageTarget(arch string) (target, path string) {
	if arch == "arm64" {
		return "Image", "arch/arm64/boot/Image"
	}
	return "bzImage", "arch/x86/boot/bzImage"
}

// BuildInputs is what a build: kernel is made from: the linux-source, its
// extracted tree (shared by every config), the config fragments' text and
// the content key over all of them.
type BuildInputs struct {
	src    linuxSource
	SrcDir string
	Frags  []string
	Key    string
}

// Source names the linux-source package: "linux-source-6.12 6.12.118-1".
func (in *BuildInputs) Source() string { return in.src.Package + " " + in.src.Version }

// SourceKey is Source as a cache key.
func (in *BuildInputs) SourceKey() string { return SafeName(in.src.Package + "_" + in.src.Version) }

// PrepareBuild finds and extracts the linux-source of version and reads
// the fragments of config variant v.
func (r *Resolver) PrepareBuild(ctx context.Context, raw, version string, v configs.Variant) (*BuildInputs, error) {
	src, err := r.findLinuxSource(ctx, version)
	if err != nil {
		return nil, err
	}
	r.logf("%s: %s %s (%s)", raw, src.Package, src.Version, src.Root.Label)
	if err := setup.EnsurePackages(ctx, r.logf, "building "+raw, append(slices.Clone(buildTools), crossTools(MakeArch(v.Arch))...)...); err != nil {
		return nil, err
	}
	frags, key, err := variantInputs(v, src.Package, src.Version)
	if err != nil {
		return nil, err
	}
	srcDir, err := r.Cache.Fill("src", SafeName(src.Package+"_"+src.Version), func(tmp string) error {
		return r.extractLinuxSource(ctx, src, tmp)
	})
	if err != nil {
		return nil, err
	}
	return &BuildInputs{src: src, SrcDir: filepath.Join(srcDir, src.Package), Frags: frags, Key: key}, nil
}

// variantInputs are v's fragments and the build key over identity (what
// makes the sources unique: a package and its version, or a tree's commit
// or content hash), the arch and the fragments' text, so an edited fragment
// is a new build.
func variantInputs(v configs.Variant, identity ...string) (frags []string, key string, err error) {
	keyParts := append(append([]string{}, identity...), MakeArch(v.Arch))
	for _, f := range v.Fragments {
		text, err := configs.Fragment(f)
		if err != nil {
			return nil, "", err
		}
		frags = append(frags, text)
		keyParts = append(keyParts, text)
	}
	return frags, cache.HashStrings(keyParts...), nil
}

func (r *Resolver) resolveBuild(ctx context.Context, s KernelSpec) (*Kernel, error) {
	v, err := configs.Lookup(s.Config)
	if err != nil {
		return nil, err
	}
	in, err := r.PrepareBuild(ctx, s.Raw, s.Version, v)
	if err != nil {
		return nil, err
	}
	src := in.src
	b, err := r.buildVariant(ctx, s, in.SrcDir, v, builder{}, src.Package, src.Version)
	if err != nil {
		return nil, err
	}
	describe := fmt.Sprintf("%s %s (%s), %s", src.Package, src.Version, src.Root.Label, b.describe())
	return b.kernel(s, src.XY()+"-"+v.Name, describe, "build:"+src.XY()+":lsm"), nil
}

// variantBuild is a finished tinyconfig + config-variant build in the cache.
type variantBuild struct {
	Variant configs.Variant
	Dir     string // cache entry: bzImage and config
	Key     string // content key of the sources and the config
	Log     string // build log (kept after the build)
	Boot    string // the variant's boot arguments
}

// buildVariant builds the source tree src as by (builder.go) with
// tinyconfig + v's fragments into the cache, keyed as variantInputs says.
func (r *Resolver) buildVariant(ctx context.Context, s KernelSpec, src string, v configs.Variant, by builder, identity ...string) (*variantBuild, error) {
	frags, key, err := variantInputs(v, identity...)
	if err != nil {
		return nil, err
	}
	logDir := filepath.Join(r.Cache.Dir, "logs")
	_ = os.MkdirAll(logDir, 0o755)
	logPath := filepath.Join(logDir, "build-"+v.Name+"-"+key[:12]+".log")
	dir, err := r.Cache.Fill("build", key, func(tmp string) error {
		start := time.Now()
		r.logf("building %s (tinyconfig + %s, %s) — several minutes; log: %s", s.Raw, strings.Join(v.Fragments, "+"), MakeArch(v.Arch), logPath)
		if err := buildKernel(ctx, src, tmp, MakeArch(v.Arch), frags, logPath, by); err != nil {
			return err
		}
		r.logf("built %s in %s", s.Raw, format.Duration(time.Since(start)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	boot, err := configs.BootArgs(v.BootArgs)
	if err != nil {
		return nil, err
	}
	return &variantBuild{Variant: v, Dir: dir, Key: key, Log: logPath, Boot: boot}, nil
}

// describe says what was built: the fragments, the arch and the build key.
func (b *variantBuild) describe() string {
	return fmt.Sprintf("tinyconfig + %s (%s, build %s)", strings.Join(b.Variant.Fragments, " + "), MakeArch(b.Variant.Arch), b.Key[:12])
}

// kernel is the build as a matrix column; lsmGroup groups the variants
// that share the "lsm" fragment and differ only in boot arguments.
func (b *variantBuild) kernel(s KernelSpec, name, describe, lsmGroup string) *Kernel {
	k := &Kernel{
		Spec:         s,
		Name:         name,
		Describe:     describe,
		BzImage:      filepath.Join(b.Dir, "bzImage"),
		Config:       filepath.Join(b.Dir, "config"),
		ConfigSource: "the build's .config",
		Arch:         b.Variant.Arch,
		BootArgs:     b.Boot,
	}
	if b.Boot != "" {
		k.Describe += ", boot args: " + b.Boot
	}
	for _, f := range b.Variant.Fragments {
		if f == "lsm" {
			k.LSMGroup = lsmGroup
		}
	}
	return k
}

// buildKernel configures and builds out of tree (O=), as by, so one
// extracted source tree serves every config; the bzImage and .config are
// copied into out, and the object tree is dropped (a cached build is only
// its result).
func buildKernel(ctx context.Context, src, out, arch string, frags []string, logPath string, by builder) error {
	work, err := by.workDir(out)
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	b, err := OpenBuild(src, filepath.Join(work, "obj"), arch, logPath)
	if err != nil {
		return err
	}
	defer b.Close()
	b.cred = by.cred
	if by.ownEnv {
		b.env = buildEnv(work)
	}
	if err := b.Configure(ctx, frags, work); err != nil {
		return err
	}
	if _, err := b.BzImage(ctx); err != nil {
		return err
	}
	_, image := imageTarget(arch)
	if err := copyBuilt(b.obj, image, filepath.Join(out, "bzImage"), maxBuiltImage); err != nil {
		return err
	}
	if err := copyBuilt(b.obj, ".config", filepath.Join(out, "config"), maxBuiltConfig); err != nil {
		return err
	}
	_, _, err = checkKernelImage(filepath.Join(out, "bzImage"))
	return err
}

// Build is one out-of-tree kernel build: the source tree, the object
// directory make writes into (O=), and the log every step appends to. A
// build that keeps obj between calls rebuilds incrementally. Every step
// runs in a process group of its own that cancelling the context (Ctrl-C,
// SIGTERM) kills whole, compilers included.
type Build struct {
	src, obj, arch, logPath string
	log                     *os.File
	cred                    *syscall.Credential // nil: as the runner
	env                     []string            // nil: the runner's
}

// OpenBuild starts a build whose log is truncated at logPath.
func OpenBuild(src, obj, arch, logPath string) (*Build, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	return &Build{src: src, obj: obj, arch: arch, logPath: logPath, log: logf}, nil
}

func (b *Build) Close() error { return b.log.Close() }

// step runs one command in the source tree; a failure is a setup error that
// quotes the log's last line.
func (b *Build) step(ctx context.Context, name string, args ...string) error {
	fmt.Fprintf(b.log, "\n$ %s %s\n", name, strings.Join(args, " "))
	cmd := procgroup.Command(ctx, name, args...)
	cmd.Dir = b.src
	cmd.Stdout, cmd.Stderr = b.log, b.log
	cmd.SysProcAttr.Credential = b.cred
	cmd.Env = b.env
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		tail, _ := os.ReadFile(b.logPath)
		return &BuildError{Err: &setup.Error{Msg: fmt.Sprintf("kernel build step `%s %s` failed: %s (full log: %s)", name, strings.Join(args, " "), setup.LastLine(tail), b.logPath)}}
	}
	return nil
}

func (b *Build) make(ctx context.Context, target ...string) error {
	args := []string{"-C", b.src, "O=" + b.obj, "ARCH=" + b.arch}
	if cc := crossCompile(b.arch); cc != "" {
		args = append(args, "CROSS_COMPILE="+cc)
	}
	return b.step(ctx, "make", append(args, target...)...)
}

// Configure writes obj/.config: tinyconfig plus the fragments (written to
// scratch while merging).
func (b *Build) Configure(ctx context.Context, frags []string, scratch string) error {
	if err := b.make(ctx, "tinyconfig"); err != nil {
		return err
	}
	var fragPaths []string
	want := map[string]string{}
	for i, f := range frags {
		p := filepath.Join(scratch, fmt.Sprintf("fragment-%d.config", i))
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			return err
		}
		defer os.Remove(p)
		fragPaths = append(fragPaths, p)
		for k, v := range configs.FragmentOptions(f) {
			want[k] = v
		}
	}
	if err := b.step(ctx, "sh", append([]string{filepath.Join(b.src, "scripts/kconfig/merge_config.sh"), "-m", "-O", b.obj, filepath.Join(b.obj, ".config")}, fragPaths...)...); err != nil {
		return err
	}
	if err := b.make(ctx, "olddefconfig"); err != nil {
		return err
	}
	// Kconfig silently drops options whose dependencies are unmet; say so in
	// the log (not fatal: e.g. no-proc turns off IKCONFIG_PROC by design).
	got, _ := readBuilt(b.obj, ".config", maxBuiltConfig)
	have := configs.FragmentOptions(string(got))
	for _, k := range slices.Sorted(maps.Keys(want)) {
		h := have[k]
		if h == "" {
			h = "n"
		}
		if h != want[k] {
			fmt.Fprintf(b.log, "pidfdconf: %s=%s requested, got %s\n", k, want[k], h)
		}
	}
	return nil
}

// BzImage runs make bzImage (make Image for arm64; incremental when obj
// holds an earlier build) and returns where the image is.
func (b *Build) BzImage(ctx context.Context) (string, error) {
	target, path := imageTarget(b.arch)
	if err := b.make(ctx, fmt.Sprintf("-j%d", runtime.NumCPU()), target); err != nil {
		return "", err
	}
	return filepath.Join(b.obj, path), nil
}

// BuildError is kernel sources that did not build: a setup error for a
// matrix run, and for a bisection step a commit that cannot be judged.
type BuildError struct{ Err *setup.Error }

func (e *BuildError) Error() string { return e.Err.Msg }

// Unwrap lets setup.IsError see the setup error inside.
func (e *BuildError) Unwrap() error { return e.Err }
