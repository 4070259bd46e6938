package vm

import (
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/pidfdconf/pidfdconf/"

// stages is the pipeline in order. A package may import its own stage,
// an earlier one, or the foundation, never a later stage: data flows one
// way, kernels → image (→ kselftest) → boot → judge → report → gate, and the package vm
// calls them in that order. A stage's test-helper packages (vm/boot/boottest)
// belong to it.
var stages = []string{"vm/kernels", "vm/image", "vm/kselftest", "vm/boot", "vm/judge", "vm/report", "vm/gate", "vm", "vm/mutants", "vm/cmd"}

// foundation is what every stage may use; it imports no stage. vm/guest,
// the program inside the VM, may import the foundation only.
var foundation = []string{"vm/setup", "vm/cache", "vm/format", "vm/frame", "vm/suiterun", "vm/configs", "vm/selinux"}

// rank is the stage of pkg (a path below the module), -1 for the
// foundation and the guest, len(stages) for anything outside vm/.
func rank(pkg string) int {
	best, rank := "", len(stages)
	for i, s := range stages {
		if (pkg == s || strings.HasPrefix(pkg, s+"/")) && len(s) > len(best) {
			best, rank = s, i
		}
	}
	for _, f := range append(slices.Clone(foundation), "vm/guest") {
		if pkg == f || strings.HasPrefix(pkg, f+"/") {
			return -1
		}
	}
	return rank
}

func TestNoStageImportsALaterOne(t *testing.T) {
	bad, err := importViolations(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Error(b)
	}
}

// The rule itself: a tree with one import of each kind it forbids.
func TestImportViolationsAreFound(t *testing.T) {
	root := t.TempDir()
	write := func(dir, src string) {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, dir, "x.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("kernels", "package kernels\nimport _ \""+module+"vm/report\"\n")
	write("setup", "package setup\nimport _ \""+module+"vm/kernels\"\n")
	write("report", "package report\nimport _ \""+module+"vm/judge\"\n")
	bad, err := importViolations(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 2 || !strings.Contains(bad[0], "vm/kernels imports vm/report") || !strings.Contains(bad[1], "vm/setup imports the stage vm/kernels") {
		t.Errorf("violations %q, want kernels → report and setup → kernels", bad)
	}
}

// importViolations lists every import under root (the vm directory) that
// breaks the stage order.
func importViolations(root string) ([]string, error) {
	var bad []string
	err := filepath.WalkDir(root, func(dir string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		p, err := build.ImportDir(dir, 0)
		if err != nil {
			return nil // no Go files here (vm/configs' fragments, testdata)
		}
		rel, _ := filepath.Rel(root, dir)
		pkg := filepath.ToSlash(filepath.Join("vm", rel))
		for _, imp := range slices.Concat(p.Imports, p.TestImports, p.XTestImports) {
			dep, ok := strings.CutPrefix(imp, module)
			if !ok || !strings.HasPrefix(dep+"/", "vm/") || dep == pkg {
				continue
			}
			switch {
			case rank(pkg) == -1 && rank(dep) != -1:
				bad = append(bad, fmt.Sprintf("%s imports the stage %s: the foundation and the guest import no stage", pkg, dep))
			case rank(dep) > rank(pkg):
				bad = append(bad, fmt.Sprintf("%s imports %s, a later stage (order: %s)", pkg, dep, strings.Join(stages, " → ")))
			}
		}
		return nil
	})
	return bad, err
}
