package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// Since means since: a spec about behaviour that appeared in version V must
// skip on kernels before V, or every older kernel passes it by accident
// (an unknown clone3 flag is EINVAL there too). sinceProblems finds the
// specs whose Since is newer than every gate that reaches them: the
// RequireFeature calls (a feature's Since from internal/kernel/registry.go)
// and RequireSince calls in the spec's own body, a table's body, the
// BeforeEach/JustBeforeEach/BeforeAll of every enclosing container, and
// whatever functions of the suite or of helpers/ those call.
func sinceProblems(root string, entries []Entry) ([]string, error) {
	features, err := featureSinces(filepath.Join(root, "internal", "kernel"))
	if err != nil {
		return nil, err
	}
	g := &gateFinder{root: root, fset: token.NewFileSet(), features: features, pkgs: map[string]*goPackage{}}
	var problems []string
	for _, e := range entries {
		since, ok := leadingVersion(e.Since)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s:%d %s: Since %q does not start with vMAJOR.MINOR", e.File, e.Line, e.Spec, e.Since))
			continue
		}
		if !firstPidfdRelease.Less(since) {
			continue
		}
		gate, err := g.gateOf(e.File, e.Line)
		if err != nil {
			return nil, err
		}
		if gate.Less(since) {
			had := "nothing gates it"
			if gate != (kernel.KernelVersion{}) {
				had = fmt.Sprintf("its newest gate is v%d.%d", gate.Major, gate.Minor)
			}
			problems = append(problems, fmt.Sprintf("%s:%d %s: Since %s, but %s: older kernels would pass it without the behaviour; gate it with helpers.RequireFeature (a feature of its Since) or helpers.RequireSince",
				e.File, e.Line, e.Spec, e.Since, had))
		}
	}
	return problems, nil
}

// firstPidfdRelease is where the pidfd API begins (pidfd_send_signal,
// v5.1): the suite has nothing to run on an older kernel, so a spec whose
// Since is no newer needs no gate.
var firstPidfdRelease = kernel.MustParseVersion("5.1")

var sinceVersion = regexp.MustCompile(`^v(\d+\.\d+(?:\.\d+)?)`)

// leadingVersion is the version a Since line starts with ("v6.9 (and
// stable backports)" → 6.9).
func leadingVersion(since string) (kernel.KernelVersion, bool) {
	m := sinceVersion.FindStringSubmatch(since)
	if m == nil {
		return kernel.KernelVersion{}, false
	}
	v, err := kernel.ParseRelease(m[1])
	return v, err == nil
}

// featureSinces maps each feature variable of internal/kernel (X in
// `X = newFeature("name", "since", …)`) to its Since.
func featureSinces(dir string) (map[string]kernel.KernelVersion, error) {
	out := map[string]kernel.KernelVersion{}
	pkg, err := parseDir(token.NewFileSet(), dir)
	if err != nil {
		return nil, err
	}
	for _, f := range pkg.files {
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range spec.Names {
				if i >= len(spec.Values) {
					break
				}
				call, ok := spec.Values[i].(*ast.CallExpr)
				if !ok || !isIdent(call.Fun, "newFeature") || len(call.Args) < 2 {
					continue
				}
				if since, ok := stringLit(call.Args[1]); ok {
					v, err := kernel.ParseRelease(since)
					if err != nil {
						continue
					}
					out[name.Name] = v
				}
			}
			return true
		})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no newFeature calls found in %s", dir)
	}
	return out, nil
}

// A goPackage is the parsed Go files of one directory.
type goPackage struct {
	files map[string]*ast.File // by path relative to the root
	funcs map[string]*ast.FuncDecl
}

func parseDir(fset *token.FileSet, dir string) (*goPackage, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	pkg := &goPackage{files: map[string]*ast.File{}, funcs: map[string]*ast.FuncDecl{}}
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		pkg.files[name] = f
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				pkg.funcs[fd.Name.Name] = fd
			}
		}
	}
	return pkg, nil
}

// gateFinder computes the newest gate reaching a spec.
type gateFinder struct {
	root     string
	fset     *token.FileSet
	features map[string]kernel.KernelVersion
	pkgs     map[string]*goPackage // by directory
}

func (g *gateFinder) pkg(dir string) (*goPackage, error) {
	if p, ok := g.pkgs[dir]; ok {
		return p, nil
	}
	p, err := parseDir(g.fset, dir)
	if err != nil {
		return nil, err
	}
	g.pkgs[dir] = p
	return p, nil
}

// Ginkgo's node functions, by role.
var (
	leafNodes      = nameSet("It", "FIt", "PIt", "XIt", "Specify", "Entry", "FEntry", "PEntry", "XEntry")
	entryNodes     = nameSet("Entry", "FEntry", "PEntry", "XEntry")
	containerNodes = nameSet("Describe", "FDescribe", "PDescribe", "XDescribe", "Context", "FContext", "PContext", "XContext",
		"When", "FWhen", "PWhen", "XWhen", "DescribeTable", "FDescribeTable", "PDescribeTable", "XDescribeTable",
		"DescribeTableSubtree", "FDescribeTableSubtree", "PDescribeTableSubtree", "XDescribeTableSubtree")
	tableNodes = nameSet("DescribeTable", "FDescribeTable", "PDescribeTable", "XDescribeTable",
		"DescribeTableSubtree", "FDescribeTableSubtree", "PDescribeTableSubtree", "XDescribeTableSubtree")
	setupNodes = nameSet("BeforeEach", "JustBeforeEach", "BeforeAll")
)

func nameSet(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// gateOf is the newest gate reaching the spec whose It or Entry is at
// file:line (file relative to the root).
func (g *gateFinder) gateOf(file string, line int) (kernel.KernelVersion, error) {
	path := filepath.Join(g.root, file)
	pkg, err := g.pkg(filepath.Dir(path))
	if err != nil {
		return kernel.KernelVersion{}, err
	}
	f := pkg.files[path]
	if f == nil {
		return kernel.KernelVersion{}, fmt.Errorf("%s: not parsed", file)
	}
	var leaf *ast.CallExpr
	ast.Inspect(f, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && leaf == nil && leafNodes[calleeName(call)] && g.fset.Position(call.Pos()).Line == line {
			leaf = call
		}
		return leaf == nil
	})
	if leaf == nil {
		return kernel.KernelVersion{}, fmt.Errorf("%s:%d: no It or Entry there", file, line)
	}
	helpers, err := g.pkg(filepath.Join(g.root, "helpers"))
	if err != nil {
		return kernel.KernelVersion{}, err
	}
	w := &gateWalk{g: g, pkg: pkg, helpers: helpers, inProgress: map[ast.Node]bool{}, done: map[ast.Node]kernel.KernelVersion{}}
	if entryNodes[calleeName(leaf)] {
		// An Entry's function arguments run where the table's body calls
		// them: their gates reach the entry's spec.
		gate := w.outward(f, leaf, nil, true)
		for _, a := range leaf.Args {
			if lit, ok := a.(*ast.FuncLit); ok {
				gate = newer(gate, w.bodyGate(lit))
			}
		}
		return gate, nil
	}
	return w.outward(f, leaf, lastFunc(leaf.Args), false), nil
}

// A gateWalk follows one spec outwards, knowing the local functions its
// enclosing bodies declare.
type gateWalk struct {
	g          *gateFinder
	pkg        *goPackage
	helpers    *goPackage
	closures   map[string]*ast.FuncLit
	inProgress map[ast.Node]bool
	done       map[ast.Node]kernel.KernelVersion // named functions' gates
}

// outward is the newest gate from node (a leaf, or the call of a function
// that declares specs) out to the top of its file: own is the leaf's body;
// entry says a table's body still has to be found. Where node sits in a
// function rather than a top-level container, the walk goes on at that
// function's callers, and the oldest of their gates counts: any of them
// could run the spec ungated.
func (w *gateWalk) outward(f *ast.File, node *ast.CallExpr, own ast.Expr, entry bool) kernel.KernelVersion {
	path := enclosing(f, node)
	saved := w.closures
	defer func() { w.closures = saved }()
	w.closures = map[string]*ast.FuncLit{}
	for _, n := range path {
		if lit, ok := n.(*ast.FuncLit); ok {
			collectClosures(lit.Body, w.closures)
		}
	}
	gate := newer(w.bodyGate(own), w.decoratorGate(node))
	var top *ast.FuncDecl
	for i := len(path) - 1; i >= 0; i-- {
		switch n := path[i].(type) {
		case *ast.CallExpr:
			name := calleeName(n)
			if body := lastFunc(n.Args); containerNodes[name] && body != nil && i+1 < len(path) && path[i+1] == body {
				gate = newer(gate, newer(w.setupGate(body), w.decoratorGate(n)))
			}
			if tableNodes[name] && entry {
				gate = newer(gate, w.bodyGate(firstFunc(n.Args)))
				entry = false
			}
		case *ast.FuncDecl:
			top = n
		}
	}
	if top == nil || w.inProgress[top] {
		return gate
	}
	w.inProgress[top] = true
	defer delete(w.inProgress, top)
	var oldest *kernel.KernelVersion
	for _, file := range w.pkg.files {
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isIdent(call.Fun, top.Name.Name) {
				return true
			}
			outer := w.outward(file, call, nil, entry)
			if oldest == nil || outer.Less(*oldest) {
				oldest = &outer
			}
			return true
		})
	}
	if oldest != nil {
		gate = newer(gate, *oldest)
	}
	return gate
}

// setupGate is the newest gate in the setup nodes a container body declares.
func (w *gateWalk) setupGate(body ast.Expr) kernel.KernelVersion {
	lit, ok := body.(*ast.FuncLit)
	if !ok {
		return kernel.KernelVersion{}
	}
	var gate kernel.KernelVersion
	for _, stmt := range lit.Body.List {
		expr, ok := stmt.(*ast.ExprStmt)
		if !ok {
			continue
		}
		if call, ok := expr.X.(*ast.CallExpr); ok && setupNodes[calleeName(call)] {
			gate = newer(gate, w.bodyGate(lastFunc(call.Args)))
		}
	}
	return gate
}

// decoratorGate is the newest gate among a node's decorators: the
// helpers.Requires and helpers.RequiresSince labels, which RunSuite
// decides before the spec's setup.
func (w *gateWalk) decoratorGate(node *ast.CallExpr) kernel.KernelVersion {
	var gate kernel.KernelVersion
	for _, arg := range node.Args {
		call, ok := arg.(*ast.CallExpr)
		if !ok {
			continue
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && isIdent(sel.X, "helpers") {
			gate = newer(gate, w.gateCall(sel.Sel.Name, call))
		}
	}
	return gate
}

// bodyGate is the newest gate in a function (literal or named), following
// the calls it makes into the suite's functions, its enclosing closures and
// helpers/.
func (w *gateWalk) bodyGate(fn ast.Expr) kernel.KernelVersion {
	switch fn := fn.(type) {
	case *ast.FuncLit:
		return w.blockGate(fn.Body, w.pkg, true)
	case *ast.Ident:
		if lit := w.closures[fn.Name]; lit != nil {
			return w.blockGate(lit.Body, w.pkg, true)
		}
		if fd := w.pkg.funcs[fn.Name]; fd != nil {
			return w.funcGate(fd, w.pkg)
		}
	}
	return kernel.KernelVersion{}
}

// funcGate is bodyGate of a named function, computed once.
func (w *gateWalk) funcGate(fd *ast.FuncDecl, pkg *goPackage) kernel.KernelVersion {
	if v, ok := w.done[fd]; ok {
		return v
	}
	v := w.blockGate(fd.Body, pkg, false)
	w.done[fd] = v
	return v
}

// blockGate is the newest gate in body, which sees the walk's closures
// when it is a literal inside the spec tree.
func (w *gateWalk) blockGate(body *ast.BlockStmt, pkg *goPackage, closures bool) kernel.KernelVersion {
	if body == nil || w.inProgress[body] {
		return kernel.KernelVersion{}
	}
	w.inProgress[body] = true
	defer delete(w.inProgress, body)
	var gate kernel.KernelVersion
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch fun := call.Fun.(type) {
		case *ast.SelectorExpr:
			if x, ok := fun.X.(*ast.Ident); ok && x.Name == "helpers" && pkg != w.helpers {
				gate = newer(gate, w.gateCall(fun.Sel.Name, call))
				if fd := w.helpers.funcs[fun.Sel.Name]; fd != nil {
					gate = newer(gate, w.funcGate(fd, w.helpers))
				}
			}
		case *ast.Ident:
			// helpers' own gates, and a suite's require* given a literal version.
			gate = newer(gate, w.gateCall(fun.Name, call))
			if lit := w.closures[fun.Name]; closures && lit != nil {
				gate = newer(gate, w.blockGate(lit.Body, pkg, true))
			} else if fd := pkg.funcs[fun.Name]; fd != nil {
				gate = newer(gate, w.funcGate(fd, pkg))
			}
		}
		return true
	})
	return gate
}

// gateCall is the version a RequireFeature, RequireSince or other
// require* call, or a Requires or RequiresSince decorator, gates at.
func (w *gateWalk) gateCall(name string, call *ast.CallExpr) kernel.KernelVersion {
	var gate kernel.KernelVersion
	switch name {
	case "RequireFeature", "Requires":
		for _, arg := range call.Args {
			if sel, ok := arg.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "kernel" {
					gate = newer(gate, w.g.features[sel.Sel.Name])
				}
			}
		}
	default:
		// RequireSince, or a suite's own require* gate, given the
		// version it gates at as a literal X.Y[.Z].
		if !strings.HasPrefix(strings.ToLower(name), "require") {
			break
		}
		for _, arg := range call.Args {
			if s, ok := stringLit(arg); ok && literalVersion.MatchString(s) {
				if v, err := kernel.ParseRelease(s); err == nil {
					gate = newer(gate, v)
				}
			}
		}
	}
	return gate
}

// literalVersion is a version as a gate's argument names it.
var literalVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)

// enclosing is the chain of nodes from the file down to target, outermost
// first, target excluded.
func enclosing(f *ast.File, target ast.Node) []ast.Node {
	var stack, path []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if path != nil {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if n == target {
			path = append([]ast.Node{}, stack...)
			return false
		}
		if n.Pos() > target.Pos() || n.End() < target.End() {
			return false
		}
		stack = append(stack, n)
		return true
	})
	return path
}

// collectClosures records the function literals a body binds to names
// (f := func…, var f = func…).
func collectClosures(body *ast.BlockStmt, into map[string]*ast.FuncLit) {
	for _, stmt := range body.List {
		switch s := stmt.(type) {
		case *ast.AssignStmt:
			for i, lhs := range s.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && i < len(s.Rhs) {
					if lit, ok := s.Rhs[i].(*ast.FuncLit); ok {
						into[id.Name] = lit
					}
				}
			}
		case *ast.DeclStmt:
			gen, ok := s.Decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gen.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for i, id := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.FuncLit); ok {
							into[id.Name] = lit
						}
					}
				}
			}
		}
	}
}

func calleeName(call *ast.CallExpr) string {
	switch fun := call.Fun.(type) {
	case *ast.Ident:
		return fun.Name
	case *ast.SelectorExpr:
		return fun.Sel.Name
	}
	return ""
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// lastFunc is the last argument that is a function literal or a name (a
// node's body comes last, after its decorators).
func lastFunc(args []ast.Expr) ast.Expr {
	for i := len(args) - 1; i >= 0; i-- {
		switch args[i].(type) {
		case *ast.FuncLit:
			return args[i]
		}
	}
	return nil
}

// firstFunc is a table's body: its first function-literal or named
// argument after the description.
func firstFunc(args []ast.Expr) ast.Expr {
	for _, a := range args[min(1, len(args)):] {
		switch a.(type) {
		case *ast.FuncLit, *ast.Ident:
			return a
		}
	}
	return nil
}

func newer(a, b kernel.KernelVersion) kernel.KernelVersion {
	if a.Less(b) {
		return b
	}
	return a
}
