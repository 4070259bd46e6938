package image

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
	"github.com/pidfdconf/pidfdconf/internal/selftests"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// RoleBinaries are the programs the suites start their helpers from:
// cmd/pidfdconf-role (every role) and cmd/pidfdconf-role-c (the roles the
// suites start most, in C, which start in a third of the time; role.CBinary).
type RoleBinaries struct{ Go, C string }

// Environ names them for the suites.
func (r RoleBinaries) Environ() []string {
	return []string{kernel.RoleBinaryEnv + "=" + r.Go, kernel.RoleCBinaryEnv + "=" + r.C}
}

// MoveBeside renames both into dir under the names role.UseBinaryBeside
// looks for beside the suite programs, and returns where they now are.
func (r RoleBinaries) MoveBeside(dir string) (RoleBinaries, error) {
	moved := RoleBinaries{Go: filepath.Join(dir, role.BinaryName), C: filepath.Join(dir, role.CBinaryName)}
	if err := os.Rename(r.Go, moved.Go); err != nil {
		return r, err
	}
	return moved, os.Rename(r.C, moved.C)
}

// BuildRoleBinaries compiles both for goarch into out, static and stripped.
func BuildRoleBinaries(ctx context.Context, root, out, goarch string, logf func(string, ...any)) (RoleBinaries, error) {
	goBin, err := buildStatic(ctx, root, filepath.Join(out, "pidfdconf-role-"+goarch), goarch, "./cmd/pidfdconf-role")
	if err != nil {
		return RoleBinaries{}, err
	}
	cBin, err := buildCRoles(ctx, root, filepath.Join(out, "pidfdconf-role-c-"+goarch), goarch, logf)
	return RoleBinaries{Go: goBin, C: cBin}, err
}

// cRoleDir is cmd/pidfdconf-role-c, from the module's root.
var cRoleDir = filepath.Join("cmd", "pidfdconf-role-c")

// cRoleSources are the C files of cmd/pidfdconf-role-c, from the module's
// root: role.c and a file for each role.
func cRoleSources(root string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(root, cRoleDir, "*.c"))
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no C files in %s", filepath.Join(root, cRoleDir))
	}
	for i, f := range files {
		files[i] = filepath.Join(cRoleDir, filepath.Base(f))
	}
	return files, err
}

// CRoleFlags are the C compiler's flags for cmd/pidfdconf-role-c.
var CRoleFlags = []string{"-static", "-O2", "-pthread", "-Wall", "-Wextra", "-s"}

// A cCompiler is the gcc that builds static programs for one GOARCH, and the
// Debian packages that bring it and its static libc.
type cCompiler struct {
	gcc      string
	packages []string
}

// cCompilerFor is the host's own gcc for the host's arch, Debian's cross
// gcc for another.
func cCompilerFor(goarch string) (cCompiler, bool) {
	if goarch == runtime.GOARCH {
		return cCompiler{"gcc", []string{"gcc", "libc6-dev"}}, true
	}
	cc, ok := map[string]cCompiler{
		"amd64": {"x86_64-linux-gnu-gcc", []string{"gcc-x86-64-linux-gnu", "libc6-dev-amd64-cross"}},
		"arm64": {"aarch64-linux-gnu-gcc", []string{"gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross"}},
		"386":   {"i686-linux-gnu-gcc", []string{"gcc-i686-linux-gnu", "libc6-dev-i386-cross"}},
	}[goarch]
	return cc, ok
}

// buildCRoles compiles cmd/pidfdconf-role-c for goarch, installing its
// compiler first when root and it is missing.
func buildCRoles(ctx context.Context, root, bin, goarch string, logf func(string, ...any)) (string, error) {
	cc, ok := cCompilerFor(goarch)
	if !ok {
		return "", fmt.Errorf("no C compiler known for GOARCH=%s to build cmd/pidfdconf-role-c (known: amd64, arm64, 386)", goarch)
	}
	if !selftests.HasStaticLibc(cc.gcc) {
		if err := setup.EnsurePackages(ctx, logf, "building cmd/pidfdconf-role-c for "+goarch, cc.packages...); err != nil {
			return "", err
		}
	}
	sources, err := cRoleSources(root)
	if err != nil {
		return "", err
	}
	args := append(append(append([]string{}, CRoleFlags...), "-o", bin), sources...)
	if o, err := setup.Command(ctx, root, nil, cc.gcc, args...); err != nil {
		return "", fmt.Errorf("building cmd/pidfdconf-role-c for %s with %s failed: %s", goarch, cc.gcc, strings.TrimSpace(string(o)))
	}
	return bin, nil
}
