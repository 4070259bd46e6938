// Package cache holds the runner's downloads and builds (kernels, sources,
// selftests, images), one directory per content hash. It may import
// vm/setup only.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Cache holds downloaded and built kernels, one directory per content hash.
// Entries appear only complete: they are filled in a temporary directory next
// to their final place and renamed into it, so an interrupted download or a
// failed build leaves nothing a later run could mistake for a result.
type Cache struct{ Dir string }

// DefaultDir is $CACHE_DIR (exported by the top Makefile), else
// $XDG_CACHE_HOME/pidfdconf, else .cache/pidfdconf in the home of $HOME or
// of the passwd entry. Without any home it is a new private directory for
// this process (nothing is reused, and no fixed path in the temporary
// directory, which another user could have created first, is trusted).
func DefaultDir() string {
	if d := os.Getenv("CACHE_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "pidfdconf")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, ".cache", "pidfdconf")
	}
	if u, err := user.Current(); err == nil && u.HomeDir != "" && u.HomeDir != "/nonexistent" {
		return filepath.Join(u.HomeDir, ".cache", "pidfdconf")
	}
	return privateDir()
}

// privateDir is one new directory of this process's in the temporary
// directory, made on first use.
var privateDir = sync.OnceValue(func() string {
	d, err := os.MkdirTemp("", "pidfdconf-cache-")
	if err != nil {
		// A path nobody can create, so that Fill names the fix (CACHE_DIR).
		return "/dev/null/pidfdconf-cache"
	}
	return d
})

// staleTemp is older than the longest fill (a kernel build, ~20 min here).
const staleTemp = 6 * time.Hour

// Path is where the entry kind/key lives once complete.
func (c Cache) Path(kind, key string) string { return filepath.Join(c.Dir, kind, key) }

// Has reports whether the entry is complete.
func (c Cache) Has(kind, key string) bool {
	_, err := os.Stat(c.Path(kind, key))
	return err == nil
}

// Fill returns the entry's directory, calling fill on a fresh temporary
// directory first when the entry is missing. fill's directory becomes the
// entry only when fill succeeds.
func (c Cache) Fill(kind, key string, fill func(tmp string) error) (string, error) {
	final := c.Path(kind, key)
	if _, err := os.Stat(final); err == nil {
		return final, nil
	}
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", setup.Errorf("cannot create cache dir %s: %v (set CACHE_DIR to a writable directory)", parent, err)
	}
	// A runner killed with SIGKILL cannot clean up; its temporary dirs are
	// swept once they are older than any fill could take.
	if stale, _ := filepath.Glob(filepath.Join(parent, ".tmp-"+key+"-*")); len(stale) > 0 {
		for _, d := range stale {
			if st, err := os.Stat(d); err == nil && time.Since(st.ModTime()) > staleTemp {
				os.RemoveAll(d)
			}
		}
	}
	tmp, err := os.MkdirTemp(parent, ".tmp-"+key+"-")
	if err != nil {
		return "", setup.Errorf("cannot write cache dir %s: %v (set CACHE_DIR to a writable directory)", parent, err)
	}
	defer os.RemoveAll(tmp) // no-op after a successful rename
	if err := fill(tmp); err != nil {
		return "", WriteError(parent, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		if _, statErr := os.Stat(final); statErr == nil {
			return final, nil // a concurrent run filled it first
		}
		return "", fmt.Errorf("publishing cache entry %s: %w", final, err)
	}
	return final, nil
}

// WriteError turns a failed write into the cache (a full disk, a
// read-only or foreign directory) into a setup error that names the fix;
// other errors pass through unchanged.
func WriteError(dir string, err error) error {
	for _, e := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS, syscall.EACCES, syscall.EPERM, syscall.ENOTDIR} {
		if errors.Is(err, e) {
			return setup.Errorf("cannot write cache dir %s: %v (free space there or set CACHE_DIR to a writable directory)", dir, err)
		}
	}
	return err
}

// HashStrings is a content key over ordered parts.
func HashStrings(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s\n", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func HashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func CopyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
