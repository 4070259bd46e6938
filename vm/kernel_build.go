package vm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// buildTools are what `make bzImage` of a tinyconfig kernel needs on Debian
// (libelf-dev: objtool; libssl-dev: scripts/sign-file and friends).
var buildTools = []string{"build-essential", "flex", "bison", "bc", "libelf-dev", "libssl-dev", "xz-utils"}

func kernelArch(goarch string) string {
	if goarch == "386" {
		return "i386"
	}
	return "x86_64"
}

func (r *Resolver) resolveBuild(ctx context.Context, s KernelSpec) (*Kernel, error) {
	v, err := LookupConfig(s.Config)
	if err != nil {
		return nil, err
	}
	src, err := r.findLinuxSource(ctx, s.Version)
	if err != nil {
		return nil, err
	}
	srcPkg, srcVer := src.Package, src.Version
	r.logf("%s: %s %s (%s)", s.Raw, srcPkg, srcVer, src.Root.Label)
	if err := ensurePackages(ctx, r.logf, "building "+s.Raw, buildTools...); err != nil {
		return nil, err
	}
	srcDir, err := r.Cache.Fill("src", safeName(srcPkg+"_"+srcVer), func(tmp string) error {
		return extractLinuxSource(ctx, src, tmp, r.logf)
	})
	if err != nil {
		return nil, err
	}
	b, err := r.buildVariant(ctx, s, filepath.Join(srcDir, srcPkg), v, srcPkg, srcVer)
	if err != nil {
		return nil, err
	}
	describe := fmt.Sprintf("%s %s (%s), %s", srcPkg, srcVer, src.Root.Label, b.describe())
	return b.kernel(s, src.XY()+"-"+v.Name, describe, "build:"+src.XY()+":lsm"), nil
}

// variantBuild is a finished tinyconfig + config-variant build in the cache.
type variantBuild struct {
	Variant ConfigVariant
	Dir     string // cache entry: bzImage and config
	Key     string // content key of the sources and the config
	Log     string // build log (kept after the build)
	Boot    string // the variant's boot arguments
}

// buildVariant builds the source tree src with tinyconfig + v's fragments
// into the cache, keyed by identity (what makes src unique: a package and
// its version, or a tree's commit or content hash) and the fragments'
// text, so an edited fragment is a new build.
func (r *Resolver) buildVariant(ctx context.Context, s KernelSpec, src string, v ConfigVariant, identity ...string) (*variantBuild, error) {
	var frags []string
	keyParts := append(append([]string{}, identity...), kernelArch(v.Arch))
	for _, f := range v.Fragments {
		text, err := Fragment(f)
		if err != nil {
			return nil, err
		}
		frags = append(frags, text)
		keyParts = append(keyParts, text)
	}
	key := hashStrings(keyParts...)
	logDir := filepath.Join(r.Cache.Dir, "logs")
	_ = os.MkdirAll(logDir, 0o755)
	logPath := filepath.Join(logDir, "build-"+v.Name+"-"+key[:12]+".log")
	dir, err := r.Cache.Fill("build", key, func(tmp string) error {
		start := time.Now()
		r.logf("building %s (tinyconfig + %s, %s) — several minutes; log: %s", s.Raw, strings.Join(v.Fragments, "+"), kernelArch(v.Arch), logPath)
		if err := buildKernel(ctx, src, tmp, kernelArch(v.Arch), frags, logPath); err != nil {
			return err
		}
		r.logf("built %s in %s", s.Raw, fmtDur(time.Since(start)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	boot, err := BootArgs(v.BootArgs)
	if err != nil {
		return nil, err
	}
	return &variantBuild{Variant: v, Dir: dir, Key: key, Log: logPath, Boot: boot}, nil
}

// describe says what was built: the fragments, the arch and the build key.
func (b *variantBuild) describe() string {
	return fmt.Sprintf("tinyconfig + %s (%s, build %s)", strings.Join(b.Variant.Fragments, " + "), kernelArch(b.Variant.Arch), b.Key[:12])
}

// kernel is the build as a matrix column; lsmGroup groups the variants
// that share the "lsm" fragment and differ only in boot arguments.
func (b *variantBuild) kernel(s KernelSpec, name, describe, lsmGroup string) *Kernel {
	k := &Kernel{
		Spec:     s,
		Name:     name,
		Describe: describe,
		BzImage:  filepath.Join(b.Dir, "bzImage"),
		Config:   filepath.Join(b.Dir, "config"),
		Arch:     b.Variant.Arch,
		BootArgs: b.Boot,
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

// buildKernel configures and builds out of tree (O=) so one extracted source
// tree serves every config; the bzImage and .config end up in out.
func buildKernel(ctx context.Context, src, out, arch string, frags []string, logPath string) error {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	obj := filepath.Join(out, "obj")
	step := func(name string, args ...string) error {
		fmt.Fprintf(logf, "\n$ %s %s\n", name, strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = src
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			tail, _ := os.ReadFile(logPath)
			return &KernelBuildError{SetupError{Msg: fmt.Sprintf("kernel build step `%s %s` failed: %s (full log: %s)", name, strings.Join(args, " "), lastLine(tail), logPath)}}
		}
		return nil
	}
	mk := func(target ...string) error {
		return step("make", append([]string{"-C", src, "O=" + obj, "ARCH=" + arch}, target...)...)
	}
	if err := mk("tinyconfig"); err != nil {
		return err
	}
	var fragPaths []string
	want := map[string]string{}
	for i, f := range frags {
		p := filepath.Join(out, fmt.Sprintf("fragment-%d.config", i))
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			return err
		}
		fragPaths = append(fragPaths, p)
		for k, v := range fragmentOptions(f) {
			want[k] = v
		}
	}
	if err := step("sh", append([]string{filepath.Join(src, "scripts/kconfig/merge_config.sh"), "-m", "-O", obj, filepath.Join(obj, ".config")}, fragPaths...)...); err != nil {
		return err
	}
	if err := mk("olddefconfig"); err != nil {
		return err
	}
	// Kconfig silently drops options whose dependencies are unmet; say so in
	// the log (not fatal: e.g. no-proc turns off IKCONFIG_PROC by design).
	got, _ := os.ReadFile(filepath.Join(obj, ".config"))
	have := fragmentOptions(string(got))
	for _, k := range sortedKeys(want) {
		h := have[k]
		if h == "" {
			h = "n"
		}
		if h != want[k] {
			fmt.Fprintf(logf, "pidfdconf: %s=%s requested, got %s\n", k, want[k], h)
		}
	}
	if err := mk(fmt.Sprintf("-j%d", runtime.NumCPU()), "bzImage"); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(obj, "arch/x86/boot/bzImage"), filepath.Join(out, "bzImage")); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(obj, ".config"), filepath.Join(out, "config")); err != nil {
		return err
	}
	for _, p := range fragPaths {
		os.Remove(p)
	}
	os.RemoveAll(obj)
	_, err = checkBzImage(filepath.Join(out, "bzImage"))
	return err
}
