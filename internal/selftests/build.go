package selftests

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Build is the outcome of building one source tree's pidfd selftests.
type Build struct {
	Source          string        `json:"source"`              // the linux-source tarball or tree
	Release         string        `json:"release"`             // VERSION.PATCHLEVEL.SUBLEVEL of its top Makefile
	Compiler        string        `json:"compiler"`            // first line of `gcc --version`
	Dir             string        `json:"-"`                   // where the programs are (the cache entry)
	Programs        []string      `json:"programs"`            // built TEST_GEN_PROGS, in Makefile order
	Helpers         []string      `json:"helpers"`             // built TEST_GEN_PROGS_EXTENDED (run by the tests, not by us)
	Failures        []Failure     `json:"failures"`            // programs that did not compile
	SettingsTimeout time.Duration `json:"settings_timeout_ns"` // the pidfd settings file's timeout; 0: none
	Took            time.Duration `json:"took_ns"`             // extraction, headers and compilation
}

// Failure is a program that did not compile, with the compiler's first error.
type Failure struct {
	Program string `json:"program"`
	Error   string `json:"error"`
}

// Path is where a built program lives.
func (b *Build) Path(program string) string { return filepath.Join(b.Dir, program) }

const buildRecord = "build.json"

// BuildPidfd builds every pidfd selftest of a kernel source statically,
// against that tree's own uapi headers, into cacheDir/<key>, where key hashes
// the source's content and the compiler version. The source is a
// linux-source tarball (Debian's /usr/src/linux-source-X.Y.tar.xz), of which
// only the parts the build needs are extracted into a temporary directory,
// or an unpacked tree, used in place (`make headers` writes its usr/include).
// A cached build is returned as is. Progress goes to log.
func BuildPidfd(ctx context.Context, source, cacheDir string, log io.Writer) (*Build, error) {
	return BuildPidfdFor(ctx, source, cacheDir, "amd64", log)
}

// BuildPidfdFor is BuildPidfd for the machine goarch names: amd64 with the
// host's gcc, arm64 cross-compiled with aarch64-linux-gnu-gcc against the
// tree's arm64 uapi headers (make ARCH=arm64 headers).
func BuildPidfdFor(ctx context.Context, source, cacheDir, goarch string, log io.Writer) (*Build, error) {
	t, err := TargetFor(goarch)
	if err != nil {
		return nil, err
	}
	compiler, err := compilerVersion(t)
	if err != nil {
		return nil, err
	}
	key, err := cacheKey(source, compiler, t)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(cacheDir, key)
	if b, err := loadBuild(dir); err == nil {
		return b, nil
	}
	fmt.Fprintf(log, "building the pidfd selftests of %s for %s into %s\n", source, goarch, dir)
	start := time.Now()
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, err
	}
	// Work in a temporary directory renamed into place at the end, so an
	// interrupted build never leaves a half-built cache entry.
	tmp, err := os.MkdirTemp(cacheDir, "build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	tree := source
	if !isDir(source) {
		if tree, err = extract(ctx, source, filepath.Join(tmp, "src"), t); err != nil {
			return nil, err
		}
	}
	b, err := buildTree(ctx, tree, filepath.Join(tmp, "bin"), t)
	if err != nil {
		return nil, err
	}
	b.Source, b.Compiler, b.Took = source, compiler, time.Since(start)
	if err := b.save(filepath.Join(tmp, "bin")); err != nil {
		return nil, err
	}
	os.RemoveAll(dir)
	if err := os.Rename(filepath.Join(tmp, "bin"), dir); err != nil {
		return nil, err
	}
	b.Dir = dir
	return b, nil
}

// buildTree installs the tree's headers and compiles its programs into bin.
// Every make runs in a process group that cancelling ctx kills whole.
func buildTree(ctx context.Context, tree, bin string, t Target) (*Build, error) {
	if err := installHeaders(ctx, tree, t); err != nil {
		return nil, err
	}
	b, err := compileAll(ctx, tree, bin, t)
	if err != nil {
		return nil, err
	}
	b.SettingsTimeout = settingsTimeout(tree)
	if b.Release, err = release(ctx, tree, t); err != nil {
		return nil, err
	}
	return b, nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

func compilerVersion(t Target) (string, error) {
	if missing := t.missingPackages(); len(missing) > 0 {
		return "", fmt.Errorf("building the selftests for %s needs %s: run `apt-get install -y %s`",
			t.GOARCH, strings.Join(missing, ", "), strings.Join(missing, " "))
	}
	out, err := exec.Command(t.gcc(), "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %v", t.gcc(), err)
	}
	return firstLine(string(out)), nil
}

// cacheKey hashes the source's bytes (not its name: Debian reuses the name
// for every upload of a version), the compiler and, for another machine
// than amd64, the target. Of a tree it hashes the parts the programs are
// built from.
func cacheKey(source, compiler string, t Target) (string, error) {
	h := sha256.New()
	var err error
	if isDir(source) {
		err = hashTree(h, source, t)
	} else {
		err = hashFile(h, source)
	}
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "\x00%s\x00%s", compiler, buildFormat)
	if t.GOARCH != "amd64" {
		// amd64 keys stay what they were: their cached builds still serve.
		fmt.Fprintf(h, "\x00%s", t.GOARCH)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// hashedParts are what a tree's selftests are built from, besides the
// target's own uapi headers and syscall tables (archHashedParts).
var hashedParts = []string{"Makefile", "include/uapi", "tools/include", "tools/testing/selftests"}

func archHashedParts(t Target) []string {
	if t.Arch == "x86" {
		return []string{"arch/x86/include/uapi", "arch/x86/entry/syscalls"}
	}
	return []string{"arch/" + t.Arch + "/include/uapi", "arch/" + t.Arch + "/tools"}
}

func hashTree(h io.Writer, tree string, t Target) error {
	parts := append(append([]string{}, hashedParts[:2]...), archHashedParts(t)...)
	parts = append(parts, hashedParts[2:]...)
	for _, part := range parts {
		err := filepath.WalkDir(filepath.Join(tree, part), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !d.Type().IsRegular() {
				return err
			}
			fmt.Fprintf(h, "\x00%s\x00", strings.TrimPrefix(path, tree))
			return hashFile(h, path)
		})
		if err != nil {
			return fmt.Errorf("hashing %s: %w", tree, err)
		}
	}
	return nil
}

func hashFile(h io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err
}

// buildFormat changes whenever the way programs are built changes, so that
// old cache entries are not reused.
const buildFormat = "static-make-headers-1"

func loadBuild(dir string) (*Build, error) {
	data, err := os.ReadFile(filepath.Join(dir, buildRecord))
	if err != nil {
		return nil, err
	}
	var b Build
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, err
	}
	b.Dir = dir
	return &b, nil
}

func (b *Build) save(dir string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, buildRecord), append(data, '\n'), 0o644)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
