package kernels

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/configs"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// SpecKind says where a kernel comes from.
type SpecKind string

const (
	KindHost  SpecKind = "host"  // the running kernel, suites run natively
	KindFile  SpecKind = "file"  // a bzImage on disk
	KindApt   SpecKind = "apt"   // a Debian linux-image package, downloaded, never installed
	KindBuild SpecKind = "build" // built from Debian's linux-source-VERSION with a vm/configs variant
	KindTree  SpecKind = "tree"  // built from a kernel source tree on disk (a git checkout or an unpacked tarball)

	// LatestSource in build:latest:CONFIG is the newest linux-source-X.Y
	// that Debian has released (see newestLinuxSource).
	LatestSource = "latest"
)

// KernelSpec is one parsed entry of KERNELS.
type KernelSpec struct {
	Raw  string
	Kind SpecKind
	// Path of a file: kernel or a tree: kernel; Package (a name or a glob such as
	// linux-image-6.1.0-*-cloud-amd64, newest match wins) of an apt: kernel;
	// Version (X.Y or "latest") and Config of a build: kernel; Config of a
	// tree: kernel.
	Path, Package, Version, Config string
	// Archive of an apt:ARCHIVE/PACKAGE kernel: searched with a private apt
	// configuration (archive.go); "" searches the host's apt sources.
	Archive string
	// BootArgsSet names a vm/configs/<name>.cmdline to boot an apt: kernel
	// with (apt:PACKAGE+lsm-selinux): Debian's kernels under another LSM stack.
	BootArgsSet string
	// ConfigFile of a file:BZIMAGE:CONFIG kernel: its .config, named by hand.
	ConfigFile string
	// Compat: apt:PACKAGE+compat, the kernel's column with i386 suites.
	Compat bool
}

// CompatSuffix ends an apt: spec whose suites run as i386 programs on the
// amd64 kernel: apt:PACKAGE+compat.
const CompatSuffix = "compat"

// NewestDebianKernel is Debian's newest released kernel: stable's backports
// archive is where Debian ships each new kernel release to stable users once
// it has settled in testing, so it carries the newest 7.x (7.3.4 when this
// was written, while sid held 7.2.13 and experimental only release
// candidates). When the next stable is released this becomes its
// -backports archive.
const NewestDebianKernel = "apt:trixie-backports/linux-image-*-cloud-amd64"

// NewestDebianArm64Kernel is the same kernel built for arm64, booted under
// qemu-system-aarch64: the column of `make matrix CONFIGS=all` that runs
// the suites on another architecture.
const NewestDebianArm64Kernel = "apt:trixie-backports/linux-image-*-cloud-arm64"

// DebianKernels are Debian's newest 6.1 cloud kernel (anon-inode pidfds),
// newest 6.12 (pidfs) and the newest kernel Debian has released.
var DebianKernels = []string{
	"apt:linux-image-6.1.0-*-cloud-amd64",
	"apt:linux-image-6.12.*-cloud-amd64",
	NewestDebianKernel,
}

// DefaultKernels is the matrix of `make matrix`: the running kernel, the
// Debian kernels, and the newest again with i386 suites (compat).
var DefaultKernels = append(append([]string{"host"}, DebianKernels...), NewestDebianKernel+"+"+CompatSuffix)

// SmokeKernels are the two Debian kernels of `make vm-smoke`: the oldest and
// the newest behaviour, on every commit.
var SmokeKernels = []string{DebianKernels[0], NewestDebianKernel}

// ConfigSourceVersion is the linux-source the config matrix builds from:
// the newest; build:6.12:CONFIG still reaches the older one.
const ConfigSourceVersion = LatestSource

const specHelp = "use host, file:PATH[:CONFIGFILE], apt:[ARCHIVE/]PACKAGE, build:VERSION:CONFIG or tree:PATH[:CONFIG]"

// DefaultTreeConfig is the config variant of a tree: kernel named without
// one: the smallest kernel that runs every suite.
const DefaultTreeConfig = "minimal"

// sourceVersion is what linux-source-VERSION packages are named with.
var sourceVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

// ParseKernelSpec parses one spec; errors are SetupErrors naming the fix.
func ParseKernelSpec(s string) (KernelSpec, error) {
	s = strings.TrimSpace(s)
	k := KernelSpec{Raw: s}
	kind, arg, hasArg := strings.Cut(s, ":")
	switch SpecKind(kind) {
	case KindHost:
		if hasArg {
			return k, setup.Errorf("kernel spec %q: host takes no argument; %s", s, specHelp)
		}
		k.Kind = KindHost
	case KindFile:
		// A last ":PATH" with a '/' in it names the config.
		path, config := arg, ""
		if i := strings.LastIndex(arg, ":"); i >= 0 && strings.Contains(arg[i+1:], "/") {
			path, config = arg[:i], arg[i+1:]
		}
		if path == "" {
			return k, setup.Errorf("kernel spec %q: missing path; write file:/path/to/bzImage[:/path/to/.config]", s)
		}
		k.Kind, k.Path, k.ConfigFile = KindFile, path, config
	case KindApt:
		return parseAptSpec(k, arg)
	case KindBuild:
		ver, cfg, ok := strings.Cut(arg, ":")
		if !ok || ver == "" || cfg == "" {
			return k, setup.Errorf("kernel spec %q: write build:VERSION:CONFIG, e.g. build:6.12:minimal or build:latest:minimal (configs: %s)", s, strings.Join(configs.Names(), ", "))
		}
		if ver != LatestSource && !sourceVersion.MatchString(ver) {
			return k, setup.Errorf("kernel spec %q: VERSION is X.Y as in linux-source-X.Y (e.g. 6.12, 7.3) or latest", s)
		}
		if _, err := configs.Lookup(cfg); err != nil {
			return k, err
		}
		k.Kind, k.Version, k.Config = KindBuild, ver, cfg
	case KindTree:
		return parseTreeSpec(k, arg)
	default:
		return k, setup.Errorf("unknown kernel spec %q: %s", s, specHelp)
	}
	return k, nil
}

// parseAptSpec parses the argument of apt:[ARCHIVE/]PACKAGE[+BOOTARGS].
func parseAptSpec(k KernelSpec, arg string) (KernelSpec, error) {
	arg, set := cutBootArgsSet(arg)
	archive, pkg, qualified := strings.Cut(arg, "/")
	if !qualified {
		archive, pkg = "", arg
	}
	if pkg == "" || strings.ContainsAny(pkg, " =/") {
		return k, setup.Errorf("kernel spec %q: write apt:[ARCHIVE/]linux-image-NAME[+BOOTARGS|+compat] (a package name or glob, no version), e.g. %s", k.Raw, NewestDebianKernel)
	}
	if qualified && !archiveName.MatchString(archive) {
		return k, setup.Errorf("kernel spec %q: %q is not a Debian archive name: use one of %s", k.Raw, archive, strings.Join(KnownArchives, ", "))
	}
	if set == CompatSuffix {
		if a := ArchFromPackage(pkg); a != "amd64" {
			return k, setup.Errorf("kernel spec %q: +compat runs i386 programs on an amd64 kernel; %s is an %s kernel", k.Raw, pkg, a)
		}
		k.Compat, set = true, ""
	}
	if set != "" {
		if _, err := configs.BootArgs(set); err != nil {
			return k, err
		}
	}
	k.Kind, k.Archive, k.Package, k.BootArgsSet = KindApt, archive, pkg, set
	return k, nil
}

// parseTreeSpec parses the argument of tree:PATH[:CONFIG]. A last
// ":WORD" without a '/' is the config, so a path may hold colons as long as
// its last element does not.
func parseTreeSpec(k KernelSpec, arg string) (KernelSpec, error) {
	path, cfg := arg, DefaultTreeConfig
	if i := strings.LastIndex(arg, ":"); i >= 0 && !strings.Contains(arg[i+1:], "/") {
		path, cfg = arg[:i], arg[i+1:]
	}
	if path == "" || cfg == "" {
		return k, setup.Errorf("kernel spec %q: write tree:PATH[:CONFIG], e.g. tree:$HOME/linux or tree:$HOME/linux:no-proc (configs: %s)", k.Raw, strings.Join(configs.Names(), ", "))
	}
	if _, err := configs.Lookup(cfg); err != nil {
		return k, err
	}
	k.Kind, k.Path, k.Config = KindTree, path, cfg
	return k, nil
}

// debianRevisionTag is the "+debNN" inside newer Debian kernel package
// names (linux-image-7.3.4+deb13-cloud-amd64), which shares its "+" with
// the +BOOTARGS suffix.
var debianRevisionTag = regexp.MustCompile(`^deb[0-9]+`)

// cutBootArgsSet splits PACKAGE+BOOTARGS at the last "+" unless what follows
// is the rest of a Debian package name.
func cutBootArgsSet(arg string) (pkg, set string) {
	i := strings.LastIndex(arg, "+")
	if i < 0 || debianRevisionTag.MatchString(arg[i+1:]) {
		return arg, ""
	}
	return arg[:i], arg[i+1:]
}

// ParseKernelList parses a space- or comma-separated KERNELS value; empty
// means def.
func ParseKernelList(s string, def []string) ([]KernelSpec, error) {
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
	if len(words) == 0 {
		words = def
	}
	var specs []KernelSpec
	for _, w := range words {
		k, err := ParseKernelSpec(w)
		if err != nil {
			return nil, err
		}
		specs = append(specs, k)
	}
	return specs, nil
}

// ConfigKernels turns CONFIGS ("all" or a comma/space list of names) into
// build: specs from ConfigSourceVersion; "all" adds the newest Debian
// kernel for arm64.
func ConfigKernels(list string) ([]KernelSpec, error) {
	names := strings.FieldsFunc(list, func(r rune) bool { return r == ' ' || r == ',' })
	all := len(names) == 1 && names[0] == "all"
	if all {
		names = configs.Names()
	}
	var specs []KernelSpec
	for _, n := range names {
		k, err := ParseKernelSpec(fmt.Sprintf("build:%s:%s", ConfigSourceVersion, n))
		if err != nil {
			return nil, err
		}
		specs = append(specs, k)
		// The SELinux setup also runs on Debian's kernels, so their pidfds
		// are compared under an enforcing policy too.
		if n == "lsm-selinux" {
			for _, d := range DebianKernels {
				k, err := ParseKernelSpec(d + "+" + n)
				if err != nil {
					return nil, err
				}
				specs = append(specs, k)
			}
		}
	}
	if all {
		k, err := ParseKernelSpec(NewestDebianArm64Kernel)
		if err != nil {
			return nil, err
		}
		specs = append(specs, k)
	}
	return specs, nil
}
