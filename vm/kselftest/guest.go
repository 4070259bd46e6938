package kselftest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/image"
)

// Script is what the guest's /init starts with busybox's sh: busybox's
// applets where the kernel's runner calls them, then run_kselftest.sh -c
// pidfdconf from the install, its stdout the guest's KTAP.
//
// runner.sh runs each program as `/usr/bin/timeout --foreground T
// /usr/bin/timeout T PROGRAM` when /usr/bin/timeout exists. busybox's
// timeout (1.37) has no --foreground, so the program would never start;
// /usr/bin/timeout is a wrapper that drops the option (busybox runs the
// program in the foreground anyway). busybox's timeout exits 143 (SIGTERM),
// not coreutils' 124, when it ends a program, so the runner reports
// "exit=143" where coreutils would give "TIMEOUT": each program ends its own
// run at four fifths of the collection's timeout, before either fires.
// runner.sh prefixes with sed when /usr/bin/perl is missing and runs
// without stdbuf when it is missing, as on any small lab image.
//
// runner.sh writes every program's output to its logfile, /dev/stdout,
// which devtmpfs does not have (udev, mdev or a lab's init scripts make
// it): without the link, ">>" creates a regular file /dev/stdout, the
// programs' KTAP goes there, and the runner's own lines still say "ok"
// for each program. The script makes /dev/fd and /dev/std{in,out,err} as
// those would.
var Script = `#!/bin/busybox sh
# pidfdconf's kselftest guest: the kernel's kselftest runner under busybox.
set -e
/bin/busybox mkdir -p /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
for link in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
	[ -e "/dev/${link%%:*}" ] || ln -s "${link#*:}" "/dev/${link%%:*}"
done
rm -f /usr/bin/timeout
cat >/usr/bin/timeout <<'WRAPPER'
#!/bin/sh
# busybox's timeout has no --foreground (runner.sh passes coreutils' option).
[ "$1" = --foreground ] && shift
exec /bin/busybox timeout "$@"
WRAPPER
chmod 755 /usr/bin/timeout
cd /` + frame.KselftestPath + `
set +e
exec ./run_kselftest.sh -c ` + Collection + `
`

// Guest is what a kselftest guest carries beside /init.
type Guest struct {
	Busybox string // static busybox for the kernel's architecture
	Install string // INSTALL_PATH of an install with the kernel's runner (Install with Runner)
	Script  string // Script, written to a file (WriteScript)
	// Config and Release put the kernel's config at /boot/config-RELEASE,
	// where the programs find it as on a Debian machine; "" leaves it out.
	Config, Release string
}

// WriteScript writes Script into dir and returns its path.
func WriteScript(dir string) (string, error) {
	path := filepath.Join(dir, "run-kselftest")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return path, os.WriteFile(path, []byte(Script), 0o755)
}

// Files are the guest's files in initramfs order: the kernel unpacks an
// archive without creating parents, so each directory's own files come
// before those of its subdirectories (image.File records a file's
// directory at its first file).
func (g Guest) Files() ([]image.File, error) {
	files := []image.File{
		{Name: frame.BusyboxPath, Src: g.Busybox, Executable: true},
		{Name: frame.KselftestScriptPath, Src: g.Script, Executable: true},
	}
	for _, need := range []string{"run_kselftest.sh", "kselftest-list.txt", "kselftest/runner.sh", Collection + "/settings"} {
		if _, err := os.Stat(filepath.Join(g.Install, need)); err != nil {
			return nil, fmt.Errorf("the kselftest install %s lacks %s: %v", g.Install, need, err)
		}
	}
	tree, err := installFiles(g.Install)
	if err != nil {
		return nil, err
	}
	files = append(files, tree...)
	if g.Config != "" && g.Release != "" {
		if strings.ContainsAny(g.Release, "/ ") {
			return nil, fmt.Errorf("kernel release %q cannot name a file", g.Release)
		}
		files = append(files, image.File{Name: "boot/config-" + g.Release, Src: g.Config})
	}
	return files, nil
}

// installFiles lists the install's regular files under frame.KselftestPath,
// directory by directory, breadth first, each with its mode's executable bit.
func installFiles(root string) ([]image.File, error) {
	var files []image.File
	dirs := []string{"."}
	for len(dirs) > 0 {
		dir := dirs[0]
		dirs = dirs[1:]
		entries, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil {
			return nil, err
		}
		var subdirs []string
		for _, e := range entries {
			rel := filepath.Join(dir, e.Name())
			switch {
			case e.IsDir():
				subdirs = append(subdirs, rel)
			case e.Type().IsRegular():
				info, err := e.Info()
				if err != nil {
					return nil, err
				}
				files = append(files, image.File{Name: filepath.ToSlash(filepath.Join(frame.KselftestPath, rel)), Src: filepath.Join(root, rel), Executable: info.Mode()&0o111 != 0})
			}
		}
		sort.Strings(subdirs)
		dirs = append(dirs, subdirs...)
	}
	return files, nil
}

// Layer is the guest as a layer of the initramfs, keyed by every file's
// name, mode and content.
func (g Guest) Layer() (image.Layer, error) {
	files, err := g.Files()
	if err != nil {
		return image.Layer{}, err
	}
	var keys []string
	for _, f := range files {
		sum, err := cache.HashFile(f.Src)
		if err != nil {
			return image.Layer{}, err
		}
		keys = append(keys, f.Name, fmt.Sprint(f.Executable), sum)
	}
	return image.Layer{Name: "kselftest", Key: cache.HashStrings(keys...), Files: func() ([]image.File, error) { return files, nil }}, nil
}
