package kernels

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// A tree: kernel is anyone's code: its Makefiles, Kconfig and scripts run
// while it is configured and built. When the runner is root they run as
// the tree's owner, who can do nothing through them that they could not do
// already, or as nobody for a tree root owns; never as root. The build
// writes into a private directory of that user's and the runner copies
// the bzImage and config out of it into the cache, which stays the
// runner's (built.go).

// builder is who configures and builds a kernel. The zero builder is the
// runner itself with its environment (Debian's linux-source).
type builder struct {
	cred *syscall.Credential // nil: the runner's own user
	who  string              // for messages: "uid 1000 (the tree's owner)"
	// ownEnv gives the build an environment of its own (buildEnv): the
	// runner's may hold CI secrets, and a tree's scripts are anyone's.
	ownEnv bool
}

// treeBuilder is the builder of the tree at dir.
func treeBuilder(dir string) (builder, error) {
	if !setup.IsRoot() {
		return builder{ownEnv: true}, nil
	}
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil {
		return builder{}, err
	}
	if st.Uid != 0 {
		return builder{cred: &syscall.Credential{Uid: st.Uid, Gid: st.Gid, Groups: []uint32{}},
			who: fmt.Sprintf("uid %d (the tree's owner)", st.Uid), ownEnv: true}, nil
	}
	n := setup.Nobody()
	return builder{cred: n, who: fmt.Sprintf("uid %d (nobody: root owns the tree)", n.Uid), ownEnv: true}, nil
}

// canRead checks, as the builder, that the tree's top Makefile can be
// read, so that a tree the builder cannot reach (root's, under a 0700
// home) is a setup error naming the fix, not a make error.
func (b builder) canRead(ctx context.Context, dir string) error {
	if b.cred == nil {
		return nil
	}
	cmd := exec.CommandContext(ctx, "test", "-r", filepath.Join(dir, "Makefile"))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: b.cred}
	if err := cmd.Run(); err != nil {
		return setup.Errorf("tree %s is built as %s, who cannot read %s: make the tree readable by that user (and its parent directories searchable), or run the matrix as an ordinary user",
			dir, b.who, filepath.Join(dir, "Makefile"))
	}
	return nil
}

// workDir is a new directory of the builder's for the object tree and the
// config fragments, removed by the caller: in parent (the cache entry being
// filled) for the runner itself, else in the temporary directory, which the
// builder can reach where the runner's cache (under /root) it cannot.
func (b builder) workDir(parent string) (string, error) {
	if b.cred == nil {
		return os.MkdirTemp(parent, "work-")
	}
	dir, err := os.MkdirTemp("", "pidfdconf-build-")
	if err != nil {
		return "", err
	}
	if err := os.Chown(dir, int(b.cred.Uid), int(b.cred.Gid)); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// buildEnv is a tree build's whole environment: nothing in the runner's is
// the kernel build's business.
func buildEnv(home string) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + home, "LC_ALL=C"}
}
