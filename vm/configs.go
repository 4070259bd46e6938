package vm

import (
	"embed"
	"sort"
	"strings"
)

// configFiles are the kernel config fragments (<name>.config) and boot
// argument sets (<name>.cmdline), embedded so the runner works from any
// directory.
//
//go:embed configs/*.config configs/*.cmdline
var configFiles embed.FS

// ConfigVariant is one column of the config matrix: a kernel built from
// tinyconfig plus Fragments, booted with the BootArgs set.
type ConfigVariant struct {
	Name      string
	Fragments []string // names of configs/<name>.config, applied in order
	BootArgs  string   // name of configs/<name>.cmdline, or ""
	Arch      string   // GOARCH of kernel and suites: amd64 or 386
}

// configVariants: the four LSM stacks share one kernel (fragment "lsm") and
// differ only in boot arguments, so their verdicts must be identical.
var configVariants = []ConfigVariant{
	{Name: "minimal", Fragments: []string{"minimal"}, Arch: "amd64"},
	{Name: "no-pid-ns", Fragments: []string{"minimal", "no-pid-ns"}, Arch: "amd64"},
	{Name: "no-proc", Fragments: []string{"minimal", "no-proc"}, Arch: "amd64"},
	{Name: "lsm-none", Fragments: []string{"minimal", "lsm"}, BootArgs: "lsm-none", Arch: "amd64"},
	{Name: "lsm-landlock-yama", Fragments: []string{"minimal", "lsm"}, BootArgs: "lsm-landlock-yama", Arch: "amd64"},
	{Name: "lsm-apparmor", Fragments: []string{"minimal", "lsm"}, BootArgs: "lsm-apparmor", Arch: "amd64"},
	{Name: "lsm-selinux", Fragments: []string{"minimal", "lsm"}, BootArgs: "lsm-selinux", Arch: "amd64"},
	{Name: "i386", Fragments: []string{"minimal", "i386"}, Arch: "386"},
}

// ConfigNames lists the valid CONFIGS names.
func ConfigNames() []string {
	var n []string
	for _, v := range configVariants {
		n = append(n, v.Name)
	}
	return n
}

// LookupConfig finds a variant by name.
func LookupConfig(name string) (ConfigVariant, error) {
	for _, v := range configVariants {
		if v.Name == name {
			return v, nil
		}
	}
	return ConfigVariant{}, setupErrorf("unknown config %q: use one of %s or all", name, strings.Join(ConfigNames(), ", "))
}

// Fragment returns the text of configs/<name>.config.
func Fragment(name string) (string, error) {
	b, err := configFiles.ReadFile("configs/" + name + ".config")
	if err != nil {
		return "", setupErrorf("config fragment vm/configs/%s.config is missing: add it or fix the variant table in vm/configs.go", name)
	}
	return string(b), nil
}

// BootArgs returns the boot arguments of configs/<name>.cmdline on one line,
// comments dropped.
func BootArgs(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	b, err := configFiles.ReadFile("configs/" + name + ".cmdline")
	if err != nil {
		return "", setupErrorf("boot argument set vm/configs/%s.cmdline is missing: add it or fix vm/configs.go", name)
	}
	var words []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			words = append(words, strings.Fields(l)...)
		}
	}
	return strings.Join(words, " "), nil
}

// fragmentOptions parses a fragment into CONFIG_X → value ("n" for "is not set").
func fragmentOptions(text string) map[string]string {
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

func sortedKeys(m map[string]string) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}
