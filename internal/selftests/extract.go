package selftests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/procgroup"
)

// treeParts are the parts of a kernel tree that `make headers` and the
// selftests' own Makefiles need. Decompressing the tarball dominates the
// cost, so taking whole directories costs little more than single files,
// and it keeps the selftests' includes of their sibling directories working
// (7.x pidfd tests include ../clone3 and ../filesystems headers).
var treeParts = []string{
	"Makefile",
	"scripts",       // Kbuild, headers_install.sh, unifdef, syscall table scripts
	"include/uapi",  // the uapi headers themselves
	"usr",           // usr/include/Makefile, where the headers are installed
	"tools/include", // the selftests' TOOLS_INCLUDES and archscripts' host tools
	"tools/scripts", // included by the selftests' lib.mk
	"tools/testing/selftests",
	// and the target's arch/ARCH (its uapi headers, syscall tables and
	// archscripts) and tools/arch/ARCH (included by tools/include):
	// Target.archParts.
}

// extract unpacks treeParts of a linux-source tarball into dest (which it
// creates) and returns dest, the root of the partial tree.
func extract(ctx context.Context, tarball, dest string, t Target) (string, error) {
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return "", err
	}
	args := []string{"-xf", tarball, "-C", dest, "--strip-components=1",
		"--wildcards", "--no-wildcards-match-slash"}
	for _, p := range append(append([]string{}, treeParts...), t.archParts()...) {
		// The tarball's single top directory (linux-source-X.Y) is the '*'.
		args = append(args, "*/"+p)
	}
	if out, err := procgroup.Command(ctx, "tar", args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("extracting %s: %v: %s", tarball, err, firstLine(string(out)))
	}
	if _, err := os.Stat(filepath.Join(dest, "tools/testing/selftests/pidfd/Makefile")); err != nil {
		return "", fmt.Errorf("%s has no tools/testing/selftests/pidfd", tarball)
	}
	return dest, nil
}

// installHeaders runs the tree's own `make headers`, which leaves the
// sanitised uapi headers in usr/include, where the selftests' lib.mk looks
// (KHDR_INCLUDES). It is the kernel's own recipe, so generated headers such
// as asm/unistd_64.h are exactly what that version exports.
func installHeaders(ctx context.Context, tree string, t Target) error {
	cmd := procgroup.Command(ctx, "make", append([]string{"-s", fmt.Sprintf("-j%d", jobs())}, append(t.headerVars(), "headers")...)...)
	cmd.Dir = tree
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("make headers in %s: %v: %s", tree, err, lastLines(string(out), 5))
	}
	return nil
}

// release reads VERSION.PATCHLEVEL.SUBLEVEL from the tree's top Makefile.
// The target's ARCH: the top Makefile includes arch/$(SRCARCH)/Makefile,
// and only the target's arch/ is extracted.
func release(ctx context.Context, tree string, t Target) (string, error) {
	out, err := procgroup.Command(ctx, "make", append(append([]string{"-s", "-C", tree}, t.headerVars()...), "kernelversion")...).Output()
	if err != nil {
		return "", fmt.Errorf("make kernelversion in %s: %v", tree, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
