package selftests

import (
	"os/exec"
	"path/filepath"
	"strings"
)

// MissingPackages names the Debian packages BuildPidfd needs that this
// host lacks: a compiler, make, xz for the tarball, and libc.a for static
// linking. The pidfd selftests of 6.1 to 7.3 need no other library. The
// caller installs them through its own setup path (apt-get when root).
func MissingPackages() []string {
	var missing []string
	for _, t := range []struct{ tool, pkg string }{{"gcc", "gcc"}, {"make", "make"}, {"xz", "xz-utils"}} {
		if _, err := exec.LookPath(t.tool); err != nil {
			missing = append(missing, t.pkg)
		}
	}
	if !haveStaticLibc() {
		missing = append(missing, "libc6-dev")
	}
	return missing
}

// haveStaticLibc asks gcc where libc.a is; it echoes the bare name when it
// finds none.
func haveStaticLibc() bool {
	out, err := exec.Command("gcc", "-print-file-name=libc.a").Output()
	return err == nil && filepath.IsAbs(strings.TrimSpace(string(out)))
}
