package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pidfdconf/pidfdconf/internal/selftests"
	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// buildSelftests builds the pidfd selftests of Debian's linux-source of a
// version, its tarball taken from the cache as the matrix takes it (fetched
// once, never installed), and returns the programs' paths. A program that
// does not compile is reported and left out.
func buildSelftests(ctx context.Context, c cache.Cache, version string) ([]string, error) {
	if err := setup.EnsurePackages(ctx, logf, "building the kernel's pidfd selftests", selftests.MissingPackages()...); err != nil {
		return nil, err
	}
	r := &kernels.Resolver{Cache: c, Log: os.Stdout}
	tarball, source, err := r.LinuxSourceTarball(ctx, version)
	if err != nil {
		return nil, err
	}
	b, err := selftests.BuildPidfd(ctx, tarball, filepath.Join(c.Dir, "selftests"), os.Stdout)
	if err != nil {
		return nil, err
	}
	for _, f := range b.Failures {
		fmt.Printf("selftest %s of %s does not build: %s\n", f.Program, source, f.Error)
	}
	var paths []string
	for _, p := range b.Programs {
		paths = append(paths, b.Path(p))
	}
	return paths, nil
}
