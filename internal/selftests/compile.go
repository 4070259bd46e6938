package selftests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/internal/procgroup"
)

const pidfdDir = "tools/testing/selftests/pidfd"

// listTarget prints the programs the pidfd Makefile builds, as that
// version's own Makefile and lib.mk define them.
const listTarget = `
pidfdconf-list:
	@echo $(notdir $(TEST_GEN_PROGS))
	@echo $(notdir $(TEST_GEN_PROGS_EXTENDED))
`

// compileAll builds every program of the tree's pidfd Makefile into bin,
// each on its own so that one that does not compile is reported by name and
// the others still build.
func compileAll(ctx context.Context, tree, bin string, t Target) (*Build, error) {
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return nil, err
	}
	progs, helpers, err := listPrograms(ctx, tree, bin, t)
	if err != nil {
		return nil, err
	}
	b := &Build{}
	for _, p := range progs {
		if f := compile(ctx, tree, bin, p, t); f != nil {
			b.Failures = append(b.Failures, *f)
		} else {
			b.Programs = append(b.Programs, p)
		}
	}
	for _, p := range helpers {
		if f := compile(ctx, tree, bin, p, t); f != nil {
			b.Failures = append(b.Failures, *f)
		} else {
			b.Helpers = append(b.Helpers, p)
		}
	}
	return b, nil
}

func listPrograms(ctx context.Context, tree, bin string, t Target) (progs, helpers []string, err error) {
	extra := filepath.Join(bin, "list.mk")
	if err := os.WriteFile(extra, []byte(listTarget), 0o644); err != nil {
		return nil, nil, err
	}
	defer os.Remove(extra)
	cmd := procgroup.Command(ctx, "make", append(append([]string{"-s", "--no-print-directory"}, t.makeVars()...), "-f", "Makefile", "-f", extra, "pidfdconf-list")...)
	cmd.Dir = filepath.Join(tree, pidfdDir)
	out, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Errorf("listing the pidfd selftests: %v", err)
	}
	// Two lines: the tests, then the helpers (an empty line when none).
	lines := strings.Split(string(out), "\n")
	if len(lines) < 2 || len(strings.Fields(lines[0])) == 0 {
		return nil, nil, fmt.Errorf("listing the pidfd selftests: unexpected output %q", out)
	}
	return strings.Fields(lines[0]), strings.Fields(lines[1]), nil
}

// compile builds one program with the tree's own lib.mk rules (its CFLAGS,
// KHDR_INCLUDES and TOOLS_INCLUDES), linked statically so that it runs in a
// guest without a libc.
func compile(ctx context.Context, tree, bin, prog string, t Target) *Failure {
	args := append([]string{"-s", "--no-print-directory"}, t.makeVars()...)
	cmd := procgroup.Command(ctx, "make", append(args, "OUTPUT="+bin, "LDFLAGS=-static", filepath.Join(bin, prog))...)
	cmd.Dir = filepath.Join(tree, pidfdDir)
	out, err := cmd.CombinedOutput()
	if err == nil {
		return nil
	}
	return &Failure{Program: prog, Error: firstError(string(out), err)}
}

// firstError is the compiler's first "error:" line, the one that names the
// cause (a missing header, an unknown constant).
func firstError(out string, err error) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "error:") || strings.Contains(l, "undefined reference") {
			return strings.TrimSpace(l)
		}
	}
	if l := lastLines(out, 1); l != "" {
		return l
	}
	return err.Error()
}

func jobs() int { return runtime.NumCPU() }

// settingsTimeout reads "timeout=N" (seconds) from the pidfd directory's
// kselftest settings file, which no version up to 7.3 has; 0 means none.
func settingsTimeout(tree string) time.Duration {
	data, err := os.ReadFile(filepath.Join(tree, pidfdDir, "settings"))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "timeout="); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return time.Duration(n) * time.Second
			}
		}
	}
	return 0
}
