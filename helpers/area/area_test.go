package area

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

func TestOf(t *testing.T) {
	for file, want := range map[string]string{
		"/src/pidfdconf/suites/pidfs/info.go":                "pidfs",
		"github.com/pidfdconf/pidfdconf/suites/open/open.go": "open",
		"suites/poll/poll.go":                                "poll",
		"/src/pidfdconf/suites/pidfs/roles/roles.go":         "",
		"/src/pidfdconf/helpers/suite.go":                    "",
	} {
		if got := Of(file); got != want {
			t.Errorf("Of(%q) = %q, want %q", file, got, want)
		}
	}
}

// A top-level container declared with Ginkgo's Describe would be built in
// every area's run of the linked program: each must be area.Describe.
func TestEveryTopLevelContainerIsAreaDescribe(t *testing.T) {
	files, err := filepath.Glob("../../suites/*/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no suite files: %v", err)
	}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gen, ok := d.(*ast.GenDecl)
			if !ok || gen.Tok != token.VAR {
				continue
			}
			for _, spec := range gen.Specs {
				for _, v := range spec.(*ast.ValueSpec).Values {
					call, ok := v.(*ast.CallExpr)
					if !ok {
						continue
					}
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Describe" && isIdent(sel.X, "area") {
						continue
					}
					if id, ok := call.Fun.(*ast.Ident); ok && strings.Contains(id.Name, "Describe") {
						t.Errorf("%s: a top-level %s: declare it with area.Describe", fset.Position(call.Pos()), id.Name)
					}
				}
			}
		}
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
