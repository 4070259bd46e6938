package gate

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// maxCopiedFile caps one file of a shard's kernel directory: a real
// report.json is 3.7 MB (the host's, 7 suites), a console.log 20 KB.
const maxCopiedFile = 256 << 20

// copyKernelDir copies the shard's kernel directory src into a new
// directory name of out. A shard is an artifact anyone may have written:
// only directories and regular files are copied, a symlink (out of the
// shard, or to a file the merge would then overwrite) or a device is an
// error naming it, and nothing is written outside out. A missing src
// leaves an empty directory (a shard whose column did not run).
func copyKernelDir(src string, out *os.Root, name string) error {
	if err := out.Mkdir(name, 0o755); err != nil {
		return setup.Errorf("merge: %v (the merge directory must not hold an earlier merge)", err)
	}
	st, err := os.Lstat(src)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return setup.Errorf("merge: %v", err)
	case !st.IsDir():
		return setup.Errorf("merge: %s is a %s, not a kernel's directory", src, st.Mode().Type())
	}
	in, err := os.OpenRoot(src)
	if err != nil {
		return setup.Errorf("merge: %v", err)
	}
	defer in.Close()
	return fs.WalkDir(in.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return setup.Errorf("merge: %v", err)
		}
		dst := path.Join(name, p)
		switch {
		case p == ".":
			return nil
		case d.IsDir():
			return out.Mkdir(dst, 0o755)
		case !d.Type().IsRegular():
			return setup.Errorf("merge: %s: a %s in a shard's kernel directory (only files and directories are copied)", path.Join(src, p), d.Type())
		}
		return copyFile(in, p, out, dst, path.Join(src, p))
	})
}

// copyFile copies the regular file p of in to dst in out, at most
// maxCopiedFile bytes of it.
func copyFile(in *os.Root, p string, out *os.Root, dst, shown string) error {
	r, err := in.Open(p)
	if err != nil {
		return setup.Errorf("merge: %v", err)
	}
	defer r.Close()
	if st, err := r.Stat(); err != nil || !st.Mode().IsRegular() || st.Size() > maxCopiedFile {
		return setup.Errorf("merge: %s: not a regular file of at most %d MiB", shown, maxCopiedFile>>20)
	}
	w, err := out.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	n, err := io.Copy(w, io.LimitReader(r, maxCopiedFile+1))
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > maxCopiedFile {
		err = fmt.Errorf("%s grew past %d MiB while it was copied", shown, maxCopiedFile>>20)
	}
	return err
}
