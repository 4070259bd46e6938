package kernel

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
)

// A KernelConfig is the build configuration of the running kernel as far
// as the suite could read it: the evidence that lets a spec skip because
// an option is off, instead of failing because a feature is missing.
type KernelConfig struct {
	// Source is where the config was read from; "" when none was found.
	Source string
	// Problem says why no config could be used (a PIDFDCONF_KCONFIG that
	// cannot be read, a config of another kernel); "" when none was found
	// anywhere or one was read.
	Problem string
	values  map[string]string
	// complete: a whole .config as make writes it (its header line was
	// read), which lists every option whose dependencies are met.
	complete bool
}

// NewKernelConfig is a config read from source with the given values
// (CONFIG_X → "y", "m", "n", or a string).
func NewKernelConfig(source string, values map[string]string) *KernelConfig {
	return &KernelConfig{Source: source, values: values}
}

// NoKernelConfig is the absence of a config, with the problem (if any)
// that kept the suite from using one.
func NoKernelConfig(problem string) *KernelConfig {
	return &KernelConfig{Problem: problem}
}

// Known reports whether a config was read.
func (c *KernelConfig) Known() bool { return c != nil && c.Source != "" }

// Lookup is the option's value; known is false when no config was read or
// the config does not mention the option.
func (c *KernelConfig) Lookup(name string) (value string, known bool) {
	if !c.Known() {
		return "", false
	}
	value, known = c.values[name]
	return value, known
}

// Missing says, for a message, that no config could be used and how to
// supply one.
func (c *KernelConfig) Missing() string {
	why := "no kernel config was found (" + KconfigEnv + " unset, no /proc/config.gz, no /boot/config-" + KernelRelease() + ")"
	if c != nil && c.Problem != "" {
		why = "no kernel config could be used (" + c.Problem + ")"
	}
	return why + "; supply it with " + KconfigEnv + "=/path/to/.config"
}

// RunningConfig is the running kernel's config: the file named by
// PIDFDCONF_KCONFIG if set (the VM guest sets it; nothing else is tried
// then, so a wrong path is reported, never papered over), else
// /proc/config.gz, else /boot/config-RELEASE.
var RunningConfig = sync.OnceValue(func() *KernelConfig {
	return findConfig(os.Getenv(KconfigEnv), KernelRelease(), Kernel())
})

// ConfigSource is where the running kernel's config was read from, "" when
// none was.
func ConfigSource() string { return RunningConfig().Source }

func findConfig(named, release string, running KernelVersion) *KernelConfig {
	if named != "" {
		c, err := ReadKernelConfig(named, running)
		if err != nil {
			return NoKernelConfig(fmt.Sprintf("%s=%s: %v", KconfigEnv, named, err))
		}
		return c
	}
	for _, path := range []string{"/proc/config.gz", "/boot/config-" + release} {
		c, err := ReadKernelConfig(path, running)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return NoKernelConfig(fmt.Sprintf("%s: %v", path, err))
		}
		return c
	}
	return NoKernelConfig("")
}

// ReadKernelConfig reads a kernel .config (gzip-compressed when the name
// ends in .gz) and checks that it belongs to a kernel of the running
// MAJOR.MINOR: another kernel's config would be evidence about another
// kernel.
func ReadKernelConfig(path string, running KernelVersion) (*KernelConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = z
	}
	values, built := parseConfig(io.LimitReader(r, maxConfigBytes))
	if len(values) == 0 {
		return nil, errors.New("holds no CONFIG_ lines")
	}
	if built != nil && (built.Major != running.Major || built.Minor != running.Minor) {
		return nil, fmt.Errorf("is the config of Linux %s, not of the running %s", built, running)
	}
	c := NewKernelConfig(path, values)
	c.complete = built != nil
	return c, nil
}

// maxConfigBytes bounds what is read: a real .config is under 1 MiB.
const maxConfigBytes = 16 << 20

// ParseConfig reads a kernel .config: CONFIG_X=v lines, and "# CONFIG_X is
// not set" as the value "n".
func ParseConfig(r io.Reader) map[string]string {
	values, _ := parseConfig(r)
	return values
}

// configHeader is the line make writes at the top of every .config.
// (Compiled on first use, as releasePrefix is.)
var configHeader = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^# Linux/\S+ (\d+\.\d+\S*) Kernel Configuration$`)
})

func parseConfig(r io.Reader) (map[string]string, *KernelVersion) {
	out := map[string]string{}
	var built *KernelVersion
	s := bufio.NewScanner(r)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if m := configHeader().FindStringSubmatch(line); m != nil && built == nil {
			if v, err := ParseRelease(m[1]); err == nil {
				built = &v
			}
			continue
		}
		if name, ok := strings.CutPrefix(line, "# "); ok {
			if name, ok = strings.CutSuffix(name, " is not set"); ok && strings.HasPrefix(name, "CONFIG_") {
				out[name] = "n"
			}
			continue
		}
		if name, value, ok := strings.Cut(line, "="); ok && strings.HasPrefix(name, "CONFIG_") {
			out[name] = strings.Trim(value, `"`)
		}
	}
	return out, built
}
