package kernels

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/configs"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// treeMarkers are files every Linux source tree has at its top and that
// the build needs; their absence means PATH is not (the top of) a kernel
// tree, which is better said now than as a make error minutes later.
var treeMarkers = []string{"Makefile", "Kconfig", "scripts/kconfig/merge_config.sh", "arch/x86/boot"}

// treeSource is what identifies the sources of a tree: spec: the commit it
// is at (and its uncommitted changes) for a git checkout, its content for
// anything else.
type treeSource struct {
	Dir     string // absolute top of the tree
	Version string // X.Y.Z[EXTRAVERSION] from the top Makefile
	Git     bool
	Commit  string // full commit id (git only)
	Desc    string // `git describe --always --dirty` (git only)
	Hash    string // sha256 of the uncommitted changes (git, dirty) or of the tree's content (no git)
}

// identity is the part of the build key that stands for the sources.
func (t treeSource) identity() []string {
	if t.Git {
		return []string{"tree-git", t.Commit, t.Desc, t.Hash}
	}
	return []string{"tree-content", t.Hash}
}

// String is the exact source of the build, for the reports.
func (t treeSource) String() string {
	if !t.Git {
		return fmt.Sprintf("tree %s (Linux %s, not a git checkout; content sha256 %s)", t.Dir, t.Version, t.Hash[:12])
	}
	s := fmt.Sprintf("tree %s at %s (commit %s", t.Dir, t.Desc, t.Commit)
	if t.Hash != "" {
		s += ", uncommitted changes sha256 " + t.Hash[:12]
	}
	return s + ")"
}

func (r *Resolver) resolveTree(ctx context.Context, s KernelSpec) (*Kernel, error) {
	v, err := configs.Lookup(s.Config)
	if err != nil {
		return nil, err
	}
	t, by, err := inspectTree(ctx, s)
	if err != nil {
		return nil, err
	}
	r.logf("%s: %s", s.Raw, t)
	if err := setup.EnsurePackages(ctx, r.logf, "building "+s.Raw, buildTools...); err != nil {
		return nil, err
	}
	b, err := r.buildVariant(ctx, s, t.Dir, v, by, t.identity()...)
	if err != nil {
		return nil, err
	}
	describe := fmt.Sprintf("%s, %s, build log %s", t, b.describe(), b.Log)
	if by.cred != nil {
		describe += ", built as " + by.who
	}
	return b.kernel(s, "tree-"+t.Version+"-"+v.Name, describe, "tree:"+t.Dir+":lsm"), nil
}

// inspectTree checks that the spec's path is a kernel tree its builder can
// read, and works out what identifies its sources.
func inspectTree(ctx context.Context, s KernelSpec) (treeSource, builder, error) {
	dir, err := filepath.Abs(s.Path)
	if err == nil {
		dir, err = filepath.EvalSymlinks(dir)
	}
	if err != nil {
		return treeSource{}, builder{}, setup.Errorf("kernel spec %q: %v: point tree: at an existing kernel source tree (a git checkout or an unpacked tarball)", s.Raw, err)
	}
	for _, m := range treeMarkers {
		if _, err := os.Stat(filepath.Join(dir, m)); err != nil {
			return treeSource{}, builder{}, setup.Errorf("kernel spec %q: %s is not the top of a Linux source tree (no %s): point tree: at the directory holding the kernel's top Makefile", s.Raw, dir, m)
		}
	}
	t := treeSource{Dir: dir}
	if t.Version, err = makefileVersion(filepath.Join(dir, "Makefile")); err != nil {
		return t, builder{}, setup.Errorf("kernel spec %q: %v: point tree: at the directory holding the kernel's top Makefile", s.Raw, err)
	}
	by, err := treeBuilder(dir)
	if err == nil {
		err = by.canRead(ctx, dir)
	}
	if err != nil {
		return t, by, err
	}
	g := newGitRunner(ctx, dir, by.cred)
	if gitTop(ctx, g) == dir {
		err = t.fromGit(ctx, g)
	} else {
		t.Hash, err = hashTreeContent(dir)
	}
	if err != nil {
		return t, by, setup.Errorf("kernel spec %q: identifying the sources: %v", s.Raw, err)
	}
	return t, by, nil
}

// makefileVariable matches the version lines at the top of the kernel's
// Makefile ("VERSION = 6", "EXTRAVERSION = -rc3").
var makefileVariable = regexp.MustCompile(`(?m)^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)\s*=[ \t]*(\S*)`)

// makefileVersion is the release the tree builds, read from its Makefile
// rather than by running make, which would need the build tools first.
func makefileVersion(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	vars := map[string]string{}
	for _, m := range makefileVariable.FindAllStringSubmatch(string(b), -1) {
		if _, seen := vars[m[1]]; !seen {
			vars[m[1]] = m[2]
		}
	}
	if vars["VERSION"] == "" || vars["PATCHLEVEL"] == "" {
		return "", fmt.Errorf("%s names no VERSION and PATCHLEVEL", path)
	}
	v := vars["VERSION"] + "." + vars["PATCHLEVEL"]
	if vars["SUBLEVEL"] != "" {
		v += "." + vars["SUBLEVEL"]
	}
	v += vars["EXTRAVERSION"]
	// The version names the column and a directory: a Makefile anyone
	// wrote must not put a path or markup there.
	if !releaseChars.MatchString(v) || len(v) > 64 {
		return "", fmt.Errorf("%s: version %q is not a kernel release (digits, letters, '.', '-', '+', '_')", path, v)
	}
	return v, nil
}

// releaseChars is what a kernel release is made of ("6.12.0-rc3").
var releaseChars = regexp.MustCompile(`^[0-9A-Za-z.+_-]+$`)

// gitTop is the top of the git work tree holding g's directory, "" when
// there is none (or no git): a tarball unpacked inside some other
// repository is not that repository's commit.
func gitTop(ctx context.Context, g *gitRunner) string {
	top, err := g.run(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return ""
	}
	if top, err = filepath.EvalSymlinks(top); err != nil {
		return ""
	}
	return top
}

// fromGit identifies a checkout by its commit; uncommitted changes (to
// tracked files, and untracked files git does not ignore) are hashed so a
// local edit is a new build without a commit.
// The commands run hardened (treegit.go).
func (t *treeSource) fromGit(ctx context.Context, g *gitRunner) error {
	var err error
	t.Git = true
	if t.Commit, err = g.run(ctx, "rev-parse", "HEAD"); err != nil {
		return err
	}
	if t.Desc, err = g.run(ctx, "describe", "--always", "--dirty"); err != nil {
		return err
	}
	diff, err := g.run(ctx, "diff", "--no-textconv", "--no-ext-diff", "--binary", "HEAD")
	if err != nil {
		return err
	}
	untracked, err := g.run(ctx, "ls-files", "--others", "--exclude-standard", "-z")
	if err != nil {
		return err
	}
	if diff == "" && untracked == "" {
		return nil
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d:%s", len(diff), diff)
	for _, p := range strings.Split(untracked, "\x00") {
		if p != "" {
			if err := hashEntry(h, t.Dir, p); err != nil {
				return err
			}
		}
	}
	t.Hash = hex.EncodeToString(h.Sum(nil))
	return nil
}

// hashTreeContent hashes the path and content of every file of a tree that
// is not a git checkout. Every file, not only *.c/*.h/Kconfig: Makefiles,
// assembly, linker scripts and scripts/ all change the bzImage, and a key
// that missed one would serve a stale kernel; sizes and mtimes are not
// used because an unpacked tarball's mtimes say nothing about content. It
// reads the whole tree (about 1.5 GB for 6.12), which costs seconds next
// to the minutes of a build.
func hashTreeContent(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			return nil
		}
		return hashEntry(h, dir, rel)
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashEntry adds the path rel (relative to dir) and its content, or its
// target when it is a symlink, to h.
func hashEntry(h io.Writer, dir, rel string) error {
	path := filepath.Join(dir, rel)
	st, err := os.Lstat(path)
	if err != nil {
		return err
	}
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "L %s\x00%s\x00", rel, target)
		return nil
	case !st.Mode().IsRegular():
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(h, "F %s\x00%d\x00%o\x00", rel, st.Size(), st.Mode().Perm()&0o111)
	_, err = io.Copy(h, f)
	return err
}
