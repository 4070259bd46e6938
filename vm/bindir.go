package vm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/vm/cache"
)

// binLock is the file whose flock marks a bin directory as in use by a run.
const binLock = ".in-use"

// claimBinDir picks the directory this run compiles its binaries into and
// runs them from, and returns the function that gives it back. It is the
// checkout's own directory (checkoutBinDir) unless another run of the same
// checkout holds that one; then it is a private directory beside it,
// removed when the run ends. Two runs sharing one directory relinked each
// other's binaries: the second failed with "file exists" on a suite's link,
// or replaced a binary the first one's native column was running. A run
// that died leaves its private directory unlocked, and the next claim
// removes it.
func (cfg *RunConfig) claimBinDir() (release func(), err error) {
	shared := cfg.checkoutBinDir()
	if err := os.MkdirAll(shared, 0o755); err != nil {
		return nil, cache.WriteError(shared, err)
	}
	removeAbandoned(shared + "-run-*")
	unlock, err := tryLock(shared)
	if err != nil {
		return nil, err
	}
	if unlock != nil {
		cfg.bins = shared
		return unlock, nil
	}
	private, unlock, err := newLockedDir(shared + "-run-")
	if err != nil {
		return nil, err
	}
	cfg.logf("another run of this checkout holds %s: building into %s, removed at the end", shared, private)
	cfg.bins = private
	return func() {
		os.RemoveAll(private)
		unlock()
	}, nil
}

// newLockedDir makes a directory named prefix and a random suffix, already
// locked when it gets that name: removeAbandoned never sees it unlocked.
func newLockedDir(prefix string) (dir string, unlock func(), err error) {
	parent := filepath.Dir(prefix)
	tmp, err := os.MkdirTemp(parent, ".claiming-*")
	if err != nil {
		return "", nil, cache.WriteError(parent, err)
	}
	unlock, err = tryLock(tmp)
	if err == nil && unlock == nil {
		err = errors.New("held by another run")
	}
	if err == nil {
		dir = prefix + strings.TrimPrefix(filepath.Base(tmp), ".claiming-")
		if err = os.Rename(tmp, dir); err != nil {
			unlock()
		}
	}
	if err != nil {
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("a private directory in %s: %w", parent, err)
	}
	return dir, unlock, nil
}

// tryLock takes dir's lock without waiting: nil, nil while another run
// holds it. The lock is a flock, so it goes with a run that dies.
func tryLock(dir string) (unlock func(), err error) {
	path := filepath.Join(dir, binLock)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, cache.WriteError(path, err)
	}
	switch err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); {
	case err == nil:
		return func() { f.Close() }, nil
	case errors.Is(err, unix.EWOULDBLOCK):
		f.Close()
		return nil, nil
	default:
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
}

// removeAbandoned removes the private directories no run holds any more.
func removeAbandoned(pattern string) {
	dirs, _ := filepath.Glob(pattern)
	for _, dir := range dirs {
		if unlock, err := tryLock(dir); err == nil && unlock != nil {
			os.RemoveAll(dir)
			unlock()
		}
	}
}
