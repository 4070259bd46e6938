package kernel

import (
	"fmt"
	"regexp"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// KernelVersion is the MAJOR.MINOR.PATCH prefix of a kernel release string.
// Release strings such as "6.18.44-fc-v769" or "7.1.0-rc2" are not semver:
// everything after the numeric prefix is ignored, never compared.
type KernelVersion struct{ Major, Minor, Patch int }

// releasePrefix is compiled on first use, not at init: every helper
// process links this package, most never parse a release, and the two
// compiles at init took about 0.5 ms of a helper's 8 ms start natively.
var releasePrefix = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?`)
})

// ParseRelease reads the leading MAJOR.MINOR[.PATCH] of a release string.
func ParseRelease(release string) (KernelVersion, error) {
	m := releasePrefix().FindStringSubmatch(release)
	if m == nil {
		return KernelVersion{}, fmt.Errorf("kernel release %q does not start with MAJOR.MINOR", release)
	}
	var v KernelVersion
	v.Major, _ = strconv.Atoi(m[1])
	v.Minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		v.Patch, _ = strconv.Atoi(m[3])
	}
	return v, nil
}

// MustParseVersion is for literal "since" versions written in code.
func MustParseVersion(s string) KernelVersion {
	v, err := ParseRelease(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Less orders versions numerically.
func (v KernelVersion) Less(o KernelVersion) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	if v.Minor != o.Minor {
		return v.Minor < o.Minor
	}
	return v.Patch < o.Patch
}

// AtLeast reports whether v >= the literal version s ("6.9").
func (v KernelVersion) AtLeast(s string) bool { return !v.Less(MustParseVersion(s)) }

func (v KernelVersion) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

var running = sync.OnceValues(func() (KernelVersion, string) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		panic(fmt.Sprintf("uname: %v", err))
	}
	release := unix.ByteSliceToString(u.Release[:])
	v, err := ParseRelease(release)
	if err != nil {
		panic(err)
	}
	return v, release
})

// Kernel is the running kernel's version.
func Kernel() KernelVersion { v, _ := running(); return v }

// KernelRelease is the running kernel's full release string, for messages.
func KernelRelease() string { _, r := running(); return r }
