package selftests

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Build is the outcome of building one source tree's pidfd selftests.
type Build struct {
	Source   string        `json:"source"`     // the linux-source tarball
	Release  string        `json:"release"`    // VERSION.PATCHLEVEL.SUBLEVEL of its top Makefile
	Compiler string        `json:"compiler"`   // first line of `gcc --version`
	Dir      string        `json:"-"`          // where the programs are (the cache entry)
	Programs []string      `json:"programs"`   // built TEST_GEN_PROGS, in Makefile order
	Helpers  []string      `json:"helpers"`    // built TEST_GEN_PROGS_EXTENDED (run by the tests, not by us)
	Failures []Failure     `json:"failures"`   // programs that did not compile
	Timeout  time.Duration `json:"timeout_ns"` // the pidfd settings file's timeout; 0: DefaultTimeout
	Took     time.Duration `json:"took_ns"`    // extraction, headers and compilation
}

// Failure is a program that did not compile, with the compiler's first error.
type Failure struct {
	Program string `json:"program"`
	Error   string `json:"error"`
}

// Path is where a built program lives.
func (b *Build) Path(program string) string { return filepath.Join(b.Dir, program) }

const buildRecord = "build.json"

// BuildPidfd builds every pidfd selftest of a linux-source tarball (Debian's
// /usr/src/linux-source-X.Y.tar.xz) statically, against that tree's own uapi
// headers, into cacheDir/<key>, where key hashes the tarball's content and the
// compiler version. A cached build is returned as is. Progress goes to log.
func BuildPidfd(tarball, cacheDir string, log io.Writer) (*Build, error) {
	compiler, err := compilerVersion()
	if err != nil {
		return nil, err
	}
	key, err := cacheKey(tarball, compiler)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(cacheDir, key)
	if b, err := loadBuild(dir); err == nil {
		return b, nil
	}
	fmt.Fprintf(log, "building the pidfd selftests of %s into %s\n", tarball, dir)
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
	tree, err := extract(tarball, filepath.Join(tmp, "src"))
	if err != nil {
		return nil, err
	}
	if err := installHeaders(tree); err != nil {
		return nil, err
	}
	bin := filepath.Join(tmp, "bin")
	b, err := compileAll(tree, bin)
	if err != nil {
		return nil, err
	}
	b.Timeout = settingsTimeout(tree)
	b.Source, b.Compiler, b.Took = tarball, compiler, time.Since(start)
	if b.Release, err = release(tree); err != nil {
		return nil, err
	}
	if err := b.save(bin); err != nil {
		return nil, err
	}
	os.RemoveAll(dir)
	if err := os.Rename(bin, dir); err != nil {
		return nil, err
	}
	b.Dir = dir
	return b, nil
}

func compilerVersion() (string, error) {
	out, err := exec.Command("gcc", "--version").Output()
	if err != nil {
		return "", errors.New("gcc is needed to build the selftests: run `apt-get install -y gcc libc6-dev make`")
	}
	return firstLine(string(out)), nil
}

// cacheKey hashes the tarball's bytes (not its name: Debian reuses the name
// for every upload of a version) and the compiler.
func cacheKey(tarball, compiler string) (string, error) {
	f, err := os.Open(tarball)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	fmt.Fprintf(h, "\x00%s\x00%s", compiler, buildFormat)
	return hex.EncodeToString(h.Sum(nil))[:16], nil
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
