package role

import (
	"os"
	"path/filepath"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// BinaryName and CBinaryName are cmd/pidfdconf-role's and
// cmd/pidfdconf-role-c's file names where they are installed beside the
// suite programs (the kselftest collection).
const (
	BinaryName  = "pidfdconf-role"
	CBinaryName = "pidfdconf-role-c"
)

// UseBinaryBeside names the role binaries installed beside this program
// for the helpers, unless the environment already names them: starting
// helpers from the small role binaries costs far less than re-executing a
// suite, which matters on slow lab boards and under emulation.
func UseBinaryBeside() {
	exe, err := kernel.SelfExecutable()
	if err != nil {
		return
	}
	for env, name := range map[string]string{kernel.RoleBinaryEnv: BinaryName, kernel.RoleCBinaryEnv: CBinaryName} {
		bin := filepath.Join(filepath.Dir(exe), name)
		if st, err := os.Stat(bin); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 && os.Getenv(env) == "" {
			os.Setenv(env, bin)
		}
	}
}
