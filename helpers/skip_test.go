package helpers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every skip in helpers/ and suites/ carries a class (SkipFor), so the VM
// runner can tell an older kernel from a missing privilege: Ginkgo's Skip
// is called from skip.go only.
func TestNoBareGinkgoSkip(t *testing.T) {
	var found []string
	for _, dir := range []string{".", "../suites"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || path == "skip.go" {
				return err
			}
			calls, err := bareSkips(path)
			found = append(found, calls...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(found) > 0 {
		t.Errorf("Ginkgo's Skip called directly (use helpers.SkipFor with a class from internal/outcome):\n  %s", strings.Join(found, "\n  "))
	}
}

// bareSkips lists the calls of Ginkgo's Skip in the Go file at path,
// whether Ginkgo is dot-imported or named.
func bareSkips(path string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p != "github.com/onsi/ginkgo/v2" {
			continue
		}
		switch {
		case imp.Name == nil:
			names["ginkgo"] = true
		default:
			names[imp.Name.Name] = true
		}
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch fun := call.Fun.(type) {
		case *ast.Ident:
			if fun.Name == "Skip" && names["."] {
				out = append(out, fset.Position(call.Pos()).String())
			}
		case *ast.SelectorExpr:
			if x, ok := fun.X.(*ast.Ident); ok && fun.Sel.Name == "Skip" && names[x.Name] {
				out = append(out, fset.Position(call.Pos()).String())
			}
		}
		return true
	})
	return out, nil
}

func TestBareSkipsFindsBothImportForms(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"dot.go":   "package x\nimport . \"github.com/onsi/ginkgo/v2\"\nfunc f() { Skip(\"no\") }\n",
		"named.go": "package x\nimport g \"github.com/onsi/ginkgo/v2\"\nfunc f() { g.Skip(\"no\") }\n",
		"t.go":     "package x\nimport \"testing\"\nfunc f(t *testing.T) { t.Skip(\"fine\") }\n",
	} {
		path := filepath.Join(dir, name)
		if err := writeFile(path, src); err != nil {
			t.Fatal(err)
		}
		calls, err := bareSkips(path)
		if err != nil {
			t.Fatal(err)
		}
		if want := name != "t.go"; (len(calls) == 1) != want {
			t.Errorf("%s: bare skips %v", name, calls)
		}
	}
}

func writeFile(path, text string) error { return os.WriteFile(path, []byte(text), 0o644) }
