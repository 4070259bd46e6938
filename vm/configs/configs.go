// Package configs is the config matrix: kernel config fragments (*.config)
// and boot argument sets (*.cmdline) in this directory, and the named
// variants built from them (make matrix CONFIGS=...). It may import
// vm/setup only.
package configs

import (
	"embed"
	"slices"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// configFiles are the kernel config fragments (<name>.config) and boot
// argument sets (<name>.cmdline), embedded so the runner works from any
// directory.
//
//go:embed *.config *.cmdline
var configFiles embed.FS

// Variant is one column of the config matrix: a kernel built from
// tinyconfig plus Fragments, booted with the BootArgs set.
type Variant struct {
	Name      string
	Fragments []string // names of configs/<name>.config, applied in order
	BootArgs  string   // name of configs/<name>.cmdline, or ""
	Arch      string   // GOARCH of kernel and suites: amd64, 386 or arm64
}

// variants: the four LSM stacks share one kernel (fragment "lsm") and
// differ only in boot arguments, so their verdicts must be identical.
var variants = []Variant{
	{Name: "minimal", Fragments: []string{"minimal"}, Arch: "amd64"},
	{Name: "contracts", Fragments: []string{"minimal", "contracts"}, Arch: "amd64"},
	{Name: "no-pid-ns", Fragments: []string{"minimal", "no-pid-ns"}, Arch: "amd64"},
	{Name: "no-proc", Fragments: []string{"minimal", "no-proc"}, Arch: "amd64"},
	{Name: "lsm-none", Fragments: []string{"minimal", "lsm"}, BootArgs: "lsm-none", Arch: "amd64"},
	{Name: "lsm-landlock-yama", Fragments: []string{"minimal", "lsm"}, BootArgs: "lsm-landlock-yama", Arch: "amd64"},
	{Name: "lsm-apparmor", Fragments: []string{"minimal", "lsm"}, BootArgs: "lsm-apparmor", Arch: "amd64"},
	{Name: "lsm-selinux", Fragments: []string{"minimal", "lsm"}, BootArgs: "lsm-selinux", Arch: "amd64"},
	{Name: "i386", Fragments: []string{"minimal", "i386"}, Arch: "386"},
	{Name: "arm64", Fragments: []string{"minimal", "arm64"}, Arch: "arm64"},
}

// Names lists the valid CONFIGS names.
func Names() []string {
	var n []string
	for _, v := range variants {
		n = append(n, v.Name)
	}
	return n
}

// Lookup finds a variant by name.
func Lookup(name string) (Variant, error) {
	for _, v := range variants {
		if v.Name == name {
			return v, nil
		}
	}
	return Variant{}, setup.Errorf("unknown config %q: use one of %s or all", name, strings.Join(Names(), ", "))
}

// Fragment returns the text of configs/<name>.config.
func Fragment(name string) (string, error) {
	b, err := configFiles.ReadFile(name + ".config")
	if err != nil {
		return "", setup.Errorf("config fragment vm/configs/%s.config is missing: add it or fix the variant table in vm/configs/configs.go", name)
	}
	return string(b), nil
}

// BootArgs returns the boot arguments of configs/<name>.cmdline on one line,
// comments dropped.
func BootArgs(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	b, err := configFiles.ReadFile(name + ".cmdline")
	if err != nil {
		return "", setup.Errorf("boot argument set vm/configs/%s.cmdline is missing: add it or fix vm/configs/configs.go", name)
	}
	var words []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			words = append(words, strings.Fields(l)...)
		}
	}
	return strings.Join(words, " "), nil
}

// FragmentOptions parses a fragment into CONFIG_X → value ("n" for "is not set").
func FragmentOptions(text string) map[string]string {
	opts := map[string]string{}
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if name, ok := strings.CutPrefix(l, "# "); ok {
			if sym, ok := strings.CutSuffix(name, " is not set"); ok && strings.HasPrefix(sym, "CONFIG_") {
				opts[sym] = "n"
			}
			continue
		}
		if k, v, ok := strings.Cut(l, "="); ok && strings.HasPrefix(k, "CONFIG_") {
			opts[k] = strings.Trim(v, `"`)
		}
	}
	return opts
}

// Variants lists every variant, in the order of the matrix.
func Variants() []Variant { return slices.Clone(variants) }
