package kselftest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// The files of a kernel tree the collection is run and checked with: the
// kernel's kselftest runner, and its KTAP parser (tools/ktap/ktap_counts.py
// imports it). Paths are relative to the tree's top.
const (
	runnerScript = "tools/testing/selftests/run_kselftest.sh"
	runnerDir    = "tools/testing/selftests/kselftest"
	kunitDir     = "tools/testing/kunit"
)

// SourceEnv names a linux source tree or linux-source-X.Y.tar.xz to take
// the kernel's runner and parser from instead of the runner's cache.
const SourceEnv = "PIDFDCONF_LINUX_SOURCE"

// installRunner copies the kernel's runner into dir unless dir already has
// a run_kselftest.sh (an existing kselftest install keeps its own). It
// returns the source it copied from, or "" when it kept dir's.
func installRunner(ctx context.Context, dir string, log io.Writer) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "run_kselftest.sh")); err == nil {
		return "", nil
	}
	tree, source, err := KernelTools(ctx, log)
	if err != nil {
		return "", err
	}
	if err := copyFile(filepath.Join(tree, runnerScript), filepath.Join(dir, "run_kselftest.sh")); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(dir, "kselftest"), 0o755); err != nil {
		return "", err
	}
	entries, err := os.ReadDir(filepath.Join(tree, runnerDir))
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := copyFile(filepath.Join(tree, runnerDir, e.Name()), filepath.Join(dir, "kselftest", e.Name())); err != nil {
				return "", err
			}
		}
	}
	return source, nil
}

// copyFile copies src to dst with src's mode: runner.sh runs prefix.pl
// only when it is executable.
func copyFile(src, dst string) error {
	st, err := os.Stat(src)
	if err != nil {
		return err
	}
	return cache.CopyFile(src, dst, st.Mode().Perm())
}

// KernelTools is a directory laid out as a kernel tree that holds the
// kselftest runner and the KTAP parser, and the source it came from:
// $PIDFDCONF_LINUX_SOURCE when it is a tree, else those files extracted
// once from a linux-source tarball ($PIDFDCONF_LINUX_SOURCE, the newest
// one the VM runner cached, or the newest Debian has, downloaded through
// the runner's resolver) and kept in the cache.
func KernelTools(ctx context.Context, log io.Writer) (dir, source string, err error) {
	tarball := os.Getenv(SourceEnv)
	if st, err := os.Stat(tarball); err == nil && st.IsDir() {
		return tarball, tarball, nil
	}
	c := cache.Cache{Dir: cache.DefaultDir()}
	if tarball == "" {
		tarball = NewestCachedSource(c)
	}
	if tarball == "" {
		fmt.Fprintln(log, "no linux-source in the cache: downloading the newest Debian has")
		r := &kernels.Resolver{Cache: c, Log: log}
		if tarball, _, err = r.LinuxSourceTarball(ctx, kernels.LatestSource); err != nil {
			return "", "", err
		}
	}
	st, err := os.Stat(tarball)
	if err != nil {
		return "", "", err
	}
	key := cache.HashStrings(tarball, fmt.Sprint(st.Size()), st.ModTime().String())
	dir, err = c.Fill("kernel-tools", key, func(tmp string) error {
		fmt.Fprintf(log, "extracting the kselftest runner and the KTAP parser from %s\n", tarball)
		top := strings.TrimSuffix(filepath.Base(tarball), ".tar.xz")
		out, err := setup.Command(ctx, tmp, nil, "tar", "-xJf", tarball, "--strip-components=1", "--wildcards",
			top+"/"+runnerScript, top+"/"+runnerDir+"/*", top+"/"+kunitDir+"/*.py")
		if err != nil {
			return setup.Errorf("extracting from %s failed: %s", tarball, setup.LastLine(out))
		}
		if _, err := os.Stat(filepath.Join(tmp, runnerScript)); err != nil {
			return setup.Errorf("%s holds no %s", tarball, runnerScript)
		}
		return nil
	})
	return dir, tarball, err
}

// NewestCachedSource is the newest linux-source-X.Y.tar.xz the VM runner
// cached, or "": the newest runner (and KTAP parser) is the one labs run
// mainline kselftests with.
func NewestCachedSource(c cache.Cache) string {
	tars, _ := filepath.Glob(filepath.Join(c.Dir, "linux-source", "*", "linux-source-*.tar.xz"))
	newest, newestVersion := "", kernel.KernelVersion{}
	for _, t := range tars {
		xy := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(t), "linux-source-"), ".tar.xz")
		if v, err := kernel.ParseRelease(xy); err == nil && !v.Less(newestVersion) {
			newest, newestVersion = t, v
		}
	}
	return newest
}
