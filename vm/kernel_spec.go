package vm

import (
	"fmt"
	"strings"
)

// SpecKind says where a kernel comes from.
type SpecKind string

const (
	KindHost  SpecKind = "host"  // the running kernel, suites run natively
	KindFile  SpecKind = "file"  // a bzImage on disk
	KindApt   SpecKind = "apt"   // a Debian linux-image package, downloaded, never installed
	KindBuild SpecKind = "build" // built from Debian's linux-source-VERSION with a vm/configs variant
)

// KernelSpec is one parsed entry of KERNELS.
type KernelSpec struct {
	Raw  string
	Kind SpecKind
	// Path of a file: kernel; Package (a name or a glob such as
	// linux-image-6.1.0-*-cloud-amd64, newest match wins) of an apt: kernel;
	// Version and Config of a build: kernel.
	Path, Package, Version, Config string
	// BootArgsSet names a vm/configs/<name>.cmdline to boot an apt: kernel
	// with (apt:PACKAGE+lsm-selinux): Debian's kernels under another LSM stack.
	BootArgsSet string
}

// DefaultKernels is the matrix of `make matrix`: the running kernel, Debian's
// newest 6.1 cloud kernel (anon-inode pidfds) and newest 6.12 (pidfs).
var DefaultKernels = []string{
	"host",
	"apt:linux-image-6.1.0-*-cloud-amd64",
	"apt:linux-image-6.12.*-cloud-amd64",
}

// SmokeKernels are the two Debian kernels of `make vm-smoke`.
var SmokeKernels = DefaultKernels[1:]

// ConfigSourceVersion is the linux-source the config matrix builds from.
const ConfigSourceVersion = "6.12"

const specHelp = "use host, file:PATH, apt:PACKAGE or build:VERSION:CONFIG"

// ParseKernelSpec parses one spec; errors are SetupErrors naming the fix.
func ParseKernelSpec(s string) (KernelSpec, error) {
	s = strings.TrimSpace(s)
	k := KernelSpec{Raw: s}
	kind, arg, hasArg := strings.Cut(s, ":")
	switch SpecKind(kind) {
	case KindHost:
		if hasArg {
			return k, setupErrorf("kernel spec %q: host takes no argument; %s", s, specHelp)
		}
		k.Kind = KindHost
	case KindFile:
		if arg == "" {
			return k, setupErrorf("kernel spec %q: missing path; write file:/path/to/bzImage", s)
		}
		k.Kind, k.Path = KindFile, arg
	case KindApt:
		pkg, set, _ := strings.Cut(arg, "+")
		if pkg == "" || strings.ContainsAny(pkg, " =/") {
			return k, setupErrorf("kernel spec %q: write apt:linux-image-NAME[+BOOTARGS] (a package name or glob, no version)", s)
		}
		if set != "" {
			if _, err := BootArgs(set); err != nil {
				return k, err
			}
		}
		k.Kind, k.Package, k.BootArgsSet = KindApt, pkg, set
	case KindBuild:
		ver, cfg, ok := strings.Cut(arg, ":")
		if !ok || ver == "" || cfg == "" {
			return k, setupErrorf("kernel spec %q: write build:VERSION:CONFIG, e.g. build:6.12:minimal (configs: %s)", s, strings.Join(ConfigNames(), ", "))
		}
		if _, err := LookupConfig(cfg); err != nil {
			return k, err
		}
		k.Kind, k.Version, k.Config = KindBuild, ver, cfg
	default:
		return k, setupErrorf("unknown kernel spec %q: %s", s, specHelp)
	}
	return k, nil
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
// build: specs from ConfigSourceVersion.
func ConfigKernels(configs string) ([]KernelSpec, error) {
	names := strings.FieldsFunc(configs, func(r rune) bool { return r == ' ' || r == ',' })
	if len(names) == 1 && names[0] == "all" {
		names = ConfigNames()
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
			for _, d := range DefaultKernels[1:] {
				k, err := ParseKernelSpec(d + "+" + n)
				if err != nil {
					return nil, err
				}
				specs = append(specs, k)
			}
		}
	}
	return specs, nil
}
