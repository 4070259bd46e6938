package report

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// NewRunDir creates a new out/<run id> and points out/latest at it. A
// second run in the same second gets "-2", "-3", …: reusing a directory
// would let one run read another's result streams.
func NewRunDir(out string) (runID, dir string, err error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", "", setup.Errorf("cannot create %s: %v (set OUT to a writable directory)", out, err)
	}
	stamp := time.Now().UTC().Format("20060102-150405")
	for n := 1; ; n++ {
		runID = stamp
		if n > 1 {
			runID = fmt.Sprintf("%s-%d", stamp, n)
		}
		dir = filepath.Join(out, runID)
		err = os.Mkdir(dir, 0o755)
		if err == nil {
			break
		}
		if !os.IsExist(err) {
			return "", "", setup.Errorf("cannot create %s: %v (set OUT to a writable directory)", dir, err)
		}
	}
	latest := filepath.Join(out, "latest")
	os.Remove(latest)
	_ = os.Symlink(runID, latest)
	return runID, dir, nil
}
