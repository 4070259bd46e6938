package role

import (
	"os"
	"path/filepath"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// BinaryName is cmd/pidfdconf-role's file name where it is installed
// beside the suite programs (the kselftest collection).
const BinaryName = "pidfdconf-role"

// UseBinaryBeside names the role binary installed beside this program for
// the helpers, unless the environment already names one: starting helpers
// from the small role binary costs far less than re-executing a suite,
// which matters on slow lab boards and under emulation.
func UseBinaryBeside() {
	if os.Getenv(kernel.RoleBinaryEnv) != "" {
		return
	}
	exe, err := kernel.SelfExecutable()
	if err != nil {
		return
	}
	bin := filepath.Join(filepath.Dir(exe), BinaryName)
	if st, err := os.Stat(bin); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
		os.Setenv(kernel.RoleBinaryEnv, bin)
	}
}
