package kernels

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Kernel is a resolved spec: something QEMU can boot (or the host).
type Kernel struct {
	Spec KernelSpec
	// Name labels the matrix column and the output directory; unique per run.
	Name string
	// Describe says exactly what ran: package and version, build inputs, path.
	Describe string
	BzImage  string // "" for host
	Config   string // path of the kernel's .config, "" when unknown
	// ConfigSource says where Config came from (its package, the build,
	// beside the image...): the guest gets the file, the report the origin.
	ConfigSource string
	// ConfigSHA256 is Config's sha256 when it is known without reading
	// Config: a merged shard's, whose paths name files of another machine.
	ConfigSHA256 string
	Arch         string // GOARCH of the suites, /init and helpers: amd64 or 386
	// KernelArch is the kernel's GOARCH where it differs from Arch: a
	// compat column (an amd64 kernel running i386 programs).
	KernelArch string
	// Unsupported says why the column cannot run at all (a compat column
	// of a kernel built without IA32_EMULATION): it is not booted and its
	// specs SKIP with this reason, class config.
	Unsupported string
	BootArgs    string // extra kernel command line from the config variant
	// LSMGroup is set for configs that differ only in the LSM stack; their
	// verdicts must be identical.
	LSMGroup string
}

// MachineArch is the GOARCH QEMU emulates for k: its kernel's.
func (k *Kernel) MachineArch() string {
	if k.KernelArch != "" {
		return k.KernelArch
	}
	return k.Arch
}

// Architecture names what a column ran on, for reports and for pairing
// columns: the suites' GOARCH, and the kernel's after " on " where it
// differs (a compat column: "386 on amd64"). Columns of different
// architectures are never compared: their verdicts need not agree.
func (k *Kernel) Architecture() string {
	if k.KernelArch != "" && k.KernelArch != k.Arch {
		return k.Arch + " on " + k.KernelArch
	}
	return k.Arch
}

// Resolver turns specs into kernels, downloading or building into the cache.
type Resolver struct {
	Cache cache.Cache
	Log   io.Writer // progress lines
	// Downloads and builds run one at a time: apt holds a lock and a kernel
	// build already uses every core.
	mu         sync.Mutex
	aptUpdated bool            // the host's lists, this run
	updated    map[string]bool // the private lists of a archive (by directory), this run
}

// Resolve resolves one spec.
func (r *Resolver) Resolve(ctx context.Context, s KernelSpec) (*Kernel, error) {
	switch s.Kind {
	case KindHost:
		return &Kernel{Spec: s, Name: "host", Describe: "running kernel " + HostRelease() + " (native, no VM)", Arch: HostArch()}, nil
	case KindFile:
		return r.resolveFile(ctx, s)
	case KindApt:
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.resolveApt(ctx, s)
	case KindBuild:
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.resolveBuild(ctx, s)
	case KindTree:
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.resolveTree(ctx, s)
	}
	return nil, setup.Errorf("unknown kernel spec %q: %s", s.Raw, specHelp)
}

func (r *Resolver) logf(format string, args ...any) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, format+"\n", args...)
	}
}

// UniqueNames makes column names unique by suffixing repeats.
func UniqueNames(ks []*Kernel) {
	seen := map[string]int{}
	for _, k := range ks {
		seen[k.Name]++
		if n := seen[k.Name]; n > 1 {
			k.Name = fmt.Sprintf("%s-%d", k.Name, n)
		}
	}
}

// SafeName keeps a column name usable as a directory name: one path
// element, never "." or "..", whatever the name holds.
func SafeName(s string) string {
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_', r == '+':
			return r
		}
		return '_'
	}, s)
	if strings.Trim(safe, ".") == "" {
		return strings.Repeat("_", max(len(safe), 1))
	}
	return safe
}

// MaxNameBytes is the longest column name: a file name's limit. Real names
// are about 40 bytes ("6.12.118+deb12-cloud-amd64+lsm-selinux").
const MaxNameBytes = 255

// CheckName says what makes name unfit as a column name, nil when it is
// fit: a column name becomes a directory and a report heading, and a
// merged matrix takes it from a shard file anyone may have written.
func CheckName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty")
	case len(name) > MaxNameBytes:
		return fmt.Errorf("%d bytes, more than %d", len(name), MaxNameBytes)
	case name == "." || name == "..":
		return fmt.Errorf("%q is a directory's own name", name)
	case strings.ContainsRune(name, '/'):
		return fmt.Errorf("%q holds a '/'", name)
	case !utf8.ValidString(name):
		return fmt.Errorf("%q is not UTF-8", name)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fmt.Errorf("%q holds a control character", name)
	}
	return nil
}
