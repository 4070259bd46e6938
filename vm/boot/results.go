package boot

import (
	"io"
	"os"

	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// copyResults copies the result stream QEMU writes on ttyS1 (the read end
// of its pipe) into path, at most frame.MaxStreamBytes: the judge reads no
// more, so more is a guest gone wrong. Past the cap it calls over once and
// discards the rest until QEMU is gone. It returns when the pipe closes.
func copyResults(r io.Reader, path string, over func()) error {
	f, err := os.Create(path)
	if err != nil {
		io.Copy(io.Discard, r)
		return err
	}
	n, err := io.Copy(f, io.LimitReader(r, frame.MaxStreamBytes))
	if n == frame.MaxStreamBytes {
		// One byte more is over the cap; an exact fit is not.
		var one [1]byte
		if k, _ := io.ReadFull(r, one[:]); k > 0 {
			over()
			io.Copy(io.Discard, r)
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
