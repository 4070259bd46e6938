package image

import (
	"context"
	"debug/elf"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/role"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Both role binaries build for every arch a VM boots, static: the C roles'
// formats and structs hold on 32-bit i386 as on the 64-bit arches. The C
// compilers are installed when missing, as a run would.
func TestBuildRoleBinariesForEveryArch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the role binaries for three arches")
	}
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64, "386": elf.EM_386}
	for goarch, machine := range want {
		roles, err := BuildRoleBinaries(context.Background(), root, t.TempDir(), goarch, t.Logf)
		if err != nil {
			t.Fatalf("%s: %v", goarch, err)
		}
		for _, bin := range []string{roles.Go, roles.C} {
			f, err := elf.Open(bin)
			if err != nil {
				t.Fatalf("%s: %v", bin, err)
			}
			if f.Machine != machine || f.Type != elf.ET_EXEC {
				t.Errorf("%s is %v %v, want a static %v executable", bin, f.Machine, f.Type, machine)
			}
			for _, p := range f.Progs {
				if p.Type == elf.PT_INTERP {
					t.Errorf("%s asks for an interpreter: not static", bin)
				}
			}
			f.Close()
		}
		// Without a warning, either: a build does not stop at one (a newer
		// gcc may add some), this test does.
		cc, _ := cCompilerFor(goarch)
		sources, err := cRoleSources(root)
		if err != nil {
			t.Fatal(err)
		}
		args := append(append(slices.Clone(CRoleFlags), "-Werror", "-o", filepath.Join(t.TempDir(), "role-c")), sources...)
		if out, err := setup.Command(context.Background(), root, nil, cc.gcc, args...); err != nil {
			t.Errorf("%s: %s -Werror: %v\n%s", goarch, cc.gcc, err, out)
		}
	}
}

// MoveBeside leaves both binaries under the names role.UseBinaryBeside
// looks for, and nothing under the built names.
func TestMoveBesideNamesThemForUseBinaryBeside(t *testing.T) {
	built, dir := t.TempDir(), t.TempDir()
	r := RoleBinaries{Go: filepath.Join(built, "pidfdconf-role-amd64"), C: filepath.Join(built, "pidfdconf-role-c-amd64")}
	for _, f := range []string{r.Go, r.C} {
		if err := os.WriteFile(f, []byte(f), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	moved, err := r.MoveBeside(dir)
	if err != nil {
		t.Fatal(err)
	}
	for from, to := range map[string]string{r.Go: filepath.Join(dir, role.BinaryName), r.C: filepath.Join(dir, role.CBinaryName)} {
		if data, err := os.ReadFile(to); err != nil || string(data) != from {
			t.Errorf("%s: %q, %v; want the binary built as %s", to, data, err, from)
		}
		if _, err := os.Stat(from); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", from, err)
		}
	}
	if moved.Go != filepath.Join(dir, role.BinaryName) || moved.C != filepath.Join(dir, role.CBinaryName) {
		t.Errorf("MoveBeside says %+v", moved)
	}
}
