package kernels

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// What a build leaves is read by the runner only through an os.Root on
// its object directory: a symlink there (the build may be anyone's code)
// cannot make the runner read, copy or publish a file outside it, and a
// file past its cap is not a kernel. Real sizes: a Debian cloud bzImage is
// 14 MB, a tinyconfig one 1-2 MB, a .config 100-300 KB.
const (
	maxBuiltImage  = 256 << 20
	maxBuiltConfig = 16 << 20
)

// copyBuilt copies rel of the object directory obj to dst (created 0644),
// at most limit bytes.
func copyBuilt(obj, rel, dst string, limit int64) error {
	r, err := openBuilt(obj, rel, limit)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, io.LimitReader(r, limit)); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// readBuilt reads rel of obj, at most limit bytes.
func readBuilt(obj, rel string, limit int64) ([]byte, error) {
	r, err := openBuilt(obj, rel, limit)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, limit))
}

// openBuilt opens rel inside obj, a regular file of at most limit bytes.
func openBuilt(obj, rel string, limit int64) (*os.File, error) {
	root, err := os.OpenRoot(obj)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	// O_NONBLOCK: a FIFO in its place must not hang the runner.
	f, err := root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("the build's %s: %v", rel, err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() || st.Size() > limit {
		f.Close()
		return nil, fmt.Errorf("the build's %s is not a regular file of at most %d MiB", rel, limit>>20)
	}
	return f, nil
}
