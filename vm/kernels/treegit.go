package kernels

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// A tree's .git is anyone's, and its config may name commands git runs
// while the runner only asks it to describe the tree: core.fsmonitor on
// every index refresh (describe --dirty, diff, ls-files), filters' clean
// and process commands on every file diff compares with the index, diff
// textconv and external diff drivers, a pager, hooks. So git runs
//
//   - with each of those off: the settings below, every filter the tree's
//     config defines emptied (an empty command is none), diff without
//     textconv or external drivers, no pager;
//   - without the system and global configs, in an environment of its own
//     (PATH, LC_ALL), taking no optional locks (the runner never writes
//     into the tree), trusting this one directory (safe.directory) and no
//     other;
//   - as the user who builds the tree (treeBuilder: its owner, or nobody),
//     so that a command none of this foresaw runs with no more rights than
//     the tree's owner already has.
//
// Settings go through GIT_CONFIG_COUNT/KEY/VALUE, which take any key
// verbatim (a filter's name may hold '='), and reach every git this one
// starts.
var gitSettings = [][2]string{
	{"core.fsmonitor", "false"},
	{"core.hooksPath", "/dev/null"},
	{"core.pager", "cat"},
	{"core.attributesFile", "/dev/null"},
	{"core.sshCommand", "false"},
	{"core.askPass", "false"},
	{"credential.helper", ""},
	{"protocol.allow", "never"},
	{"diff.ignoreSubmodules", "all"},
	{"submodule.recurse", "false"},
}

// filterKey is a filter driver's command setting: emptied, it runs nothing.
var filterKey = regexp.MustCompile(`^filter\..*\.(clean|smudge|process|required)$`)

// gitCmd is a hardened git in dir run as cred (nil: the runner's user),
// with extra settings on top of gitSettings, in an environment of its own.
func gitCmd(ctx context.Context, dir string, cred *syscall.Credential, extra [][2]string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "git", append([]string{"--no-pager", "-C", dir}, args...)...)
	cmd.Env = gitEnv([]string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C", "HOME=/nonexistent", "GIT_OPTIONAL_LOCKS=0"}, dir, extra)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cmd
}

// gitEnv is base with the hardening: no system or global config, no pager
// or prompt, and the settings (gitSettings, then extra) for dir.
func gitEnv(base []string, dir string, extra [][2]string) []string {
	settings := append(append([][2]string{{"safe.directory", dir}}, gitSettings...), extra...)
	env := append(base, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_PAGER=cat", "PAGER=cat", "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_COUNT="+strconv.Itoa(len(settings)))
	for i, kv := range settings {
		env = append(env, fmt.Sprintf("GIT_CONFIG_KEY_%d=%s", i, kv[0]), fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", i, kv[1]))
	}
	return env
}

// TreeGit is git args in the tree dir with the same hardening as the
// runner's own calls (make bisect-run's `git bisect start` and `git bisect
// run` check commits out: hooks, fsmonitor and smudge filters would run),
// as the runner's user and in the runner's environment, which the bisect
// step it starts needs.
func TreeGit(ctx context.Context, dir string, args ...string) *exec.Cmd {
	if abs, err := filepath.Abs(dir); err == nil {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			dir = real // safe.directory names the resolved path
		}
	}
	g := newGitRunner(ctx, dir, nil)
	cmd := exec.CommandContext(ctx, "git", append([]string{"--no-pager", "-C", dir}, args...)...)
	cmd.Env = gitEnv(os.Environ(), g.dir, g.filters)
	return cmd
}

// gitRunner runs hardened git in one tree: the filters the tree's config
// defines are read once and emptied in every later call.
type gitRunner struct {
	dir     string
	cred    *syscall.Credential
	filters [][2]string
}

// newGitRunner reads which filters the tree's config defines (reading a
// config runs nothing).
func newGitRunner(ctx context.Context, dir string, cred *syscall.Credential) *gitRunner {
	g := &gitRunner{dir: dir, cred: cred}
	out, err := gitCmd(ctx, dir, cred, nil, "config", "--null", "--name-only", "--list").Output()
	if err != nil {
		return g // not a repository: the calls that follow say so
	}
	for _, key := range bytes.Split(out, []byte{0}) {
		k := string(key)
		switch {
		case !filterKey.MatchString(k):
		case strings.HasSuffix(k, ".required"):
			g.filters = append(g.filters, [2]string{k, "false"})
		default:
			g.filters = append(g.filters, [2]string{k, ""})
		}
	}
	return g
}

// run runs git args and returns its trimmed output.
func (g *gitRunner) run(ctx context.Context, args ...string) (string, error) {
	out, err := gitCmd(ctx, g.dir, g.cred, g.filters, args...).Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		err = fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, setup.LastLine(ee.Stderr))
	}
	return strings.TrimSpace(string(out)), err
}
