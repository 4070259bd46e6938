package selftests

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// Target is the machine the selftests are built for: the host's (amd64)
// or arm64, cross-compiled with Debian's gcc-aarch64-linux-gnu.
type Target struct {
	GOARCH string
	// Arch is the kernel's ARCH= for make headers and lib.mk.
	Arch string
	// CrossCompile is lib.mk's CROSS_COMPILE (CC is $(CROSS_COMPILE)gcc);
	// "" builds with the host's gcc.
	CrossCompile string
	// Packages are the Debian packages the build needs beyond make and xz:
	// the compiler and a static libc for the target.
	Packages []string
}

// TargetFor is the build target of a GOARCH; only amd64 and arm64 have one.
func TargetFor(goarch string) (Target, error) {
	switch goarch {
	case "amd64":
		return Target{GOARCH: "amd64", Arch: "x86", Packages: []string{"gcc", "libc6-dev"}}, nil
	case "arm64":
		return Target{GOARCH: "arm64", Arch: "arm64", CrossCompile: "aarch64-linux-gnu-",
			Packages: []string{"gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross"}}, nil
	}
	return Target{}, fmt.Errorf("the pidfd selftests are built for amd64 and arm64 only, not %s", goarch)
}

// gcc is the target's compiler command.
func (t Target) gcc() string { return t.CrossCompile + "gcc" }

// headerVars are make headers' variables: the uapi headers of the target.
func (t Target) headerVars() []string { return []string{"ARCH=" + t.Arch} }

// makeVars are the variables of the selftests' own makes: none for the
// host (lib.mk takes its gcc and ARCH from the host, as it always did),
// the target and its compiler for a cross build.
func (t Target) makeVars() []string {
	if t.CrossCompile == "" {
		return nil
	}
	return []string{"ARCH=" + t.Arch, "CROSS_COMPILE=" + t.CrossCompile}
}

// archParts are the target's parts of a kernel tree beside the common
// ones (see treeParts).
func (t Target) archParts() []string {
	return []string{"arch/" + t.Arch, "tools/arch/" + t.Arch}
}

// missingPackages names the target's packages this host lacks: make, xz,
// the compiler, and libc.a for static linking.
func (t Target) missingPackages() []string {
	var missing []string
	for _, tool := range []struct{ cmd, pkg string }{{"make", "make"}, {"xz", "xz-utils"}, {t.gcc(), t.Packages[0]}} {
		if _, err := exec.LookPath(tool.cmd); err != nil {
			missing = append(missing, tool.pkg)
		}
	}
	if !t.haveStaticLibc() {
		missing = append(missing, t.Packages[1])
	}
	return missing
}

// haveStaticLibc: the target's compiler can link static programs.
func (t Target) haveStaticLibc() bool { return HasStaticLibc(t.gcc()) }

// HasStaticLibc reports whether gcc runs and finds a libc.a: asked where
// libc.a is, it echoes the bare name when it finds none.
func HasStaticLibc(gcc string) bool {
	out, err := exec.Command(gcc, "-print-file-name=libc.a").Output()
	return err == nil && filepath.IsAbs(strings.TrimSpace(string(out)))
}
