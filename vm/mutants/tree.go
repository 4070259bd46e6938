package mutants

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Mutants are built from a private copy of the extracted linux-source whose
// files are hard links into the shared tree (seconds, no extra space). A
// mutated file is always written as a new file renamed over its link, so
// the shared tree, which every build: kernel compiles from, never changes.
// The private tree and the object dirs are shared by every run on the
// machine: whatever changes or compiles them (a restore, a configure, a
// mutant's apply-make-restore) holds the tree's lock, so two runs on one
// source take turns instead of building each other's mutations.

// Apply returns text with the mutation applied. The old text must occur
// exactly once: otherwise the list has drifted from this source and the
// error names the mutation and its file.
func (m Mutation) Apply(text string) (string, error) {
	switch n := strings.Count(text, m.Old); n {
	case 1:
		return strings.Replace(text, m.Old, m.New, 1), nil
	case 0:
		return "", setup.Errorf("mutation %q drifted: its old text is not in %s (list line %d): update old: to this source", m.Name, m.File, m.Line)
	default:
		return "", setup.Errorf("mutation %q is ambiguous: its old text occurs %d times in %s (list line %d): quote more of the line", m.Name, n, m.File, m.Line)
	}
}

// CheckMutations applies every mutation in memory to the files of srcDir,
// so that drift is reported before anything builds.
func CheckMutations(srcDir string, muts []Mutation) error {
	var errs []string
	for _, m := range muts {
		b, err := os.ReadFile(filepath.Join(srcDir, m.File))
		if err != nil {
			errs = append(errs, fmt.Sprintf("mutation %q: %v", m.Name, err))
			continue
		}
		if _, err := m.Apply(string(b)); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return setup.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// mutantTree is the private source tree of one linux-source.
type mutantTree struct {
	shared, dir string
	lockPath    string
	logf        func(string, ...any)
}

// openMutantTree returns the hard-linked copy of shared kept in the cache
// under key, creating it once; files left mutated by an interrupted run
// are restored.
func openMutantTree(ctx context.Context, c cache.Cache, key, shared string, muts []Mutation, logf func(string, ...any)) (*mutantTree, error) {
	dir, err := c.Fill("mutant-src", key, func(tmp string) error {
		if out, err := setup.Command(ctx, "", nil, "cp", "-al", shared, filepath.Join(tmp, "linux")); err != nil {
			return fmt.Errorf("hard-linking %s: %s", shared, setup.LastLine(out))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := &mutantTree{shared: shared, dir: filepath.Join(dir, "linux"), lockPath: filepath.Join(dir, "lock"), logf: logf}
	unlock, err := t.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	for _, m := range muts {
		if err := t.restore(m.File); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// lockPoll is how often a run waiting for another run's build retries.
const lockPoll = 2 * time.Second

// lock takes the tree's lock (flock, so a run that dies releases it),
// waiting while another run holds it; it returns the unlock.
func (t *mutantTree) lock(ctx context.Context) (func(), error) {
	f, err := os.OpenFile(t.lockPath, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, cache.WriteError(t.lockPath, err)
	}
	for waited := false; ; waited = true {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", t.lockPath, err)
		}
		if !waited {
			t.logf("another run is building in %s: waiting for it", t.dir)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// apply writes the mutated file into the private tree.
func (t *mutantTree) apply(m Mutation) error {
	b, err := os.ReadFile(filepath.Join(t.shared, m.File))
	if err != nil {
		return err
	}
	text, err := m.Apply(string(b))
	if err != nil {
		return err
	}
	return replaceFile(filepath.Join(t.dir, m.File), []byte(text))
}

// restore makes file identical to the shared tree's again. It writes a new
// file rather than relinking, so its mtime is newer than the mutant's
// object and make recompiles it.
func (t *mutantTree) restore(file string) error {
	orig, err := os.ReadFile(filepath.Join(t.shared, file))
	if err != nil {
		return err
	}
	cur, err := os.ReadFile(filepath.Join(t.dir, file))
	if err == nil && string(cur) == string(orig) {
		return nil
	}
	return replaceFile(filepath.Join(t.dir, file), orig)
}

// replaceFile puts data at path through a new inode (never writing into
// a hard link).
func replaceFile(path string, data []byte) error {
	tmp := path + ".pidfdconf-new"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
