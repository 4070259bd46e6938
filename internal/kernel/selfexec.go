package kernel

import (
	"fmt"
	"os"
)

// SelfExecutable is the path to re-execute this binary. It falls back to
// argv[0] because os.Executable needs /proc, which a no-proc kernel lacks.
func SelfExecutable() (string, error) {
	if exe, err := os.Executable(); err == nil {
		return exe, nil
	}
	if len(os.Args) > 0 && len(os.Args[0]) > 0 && os.Args[0][0] == '/' {
		return os.Args[0], nil
	}
	return "", fmt.Errorf("cannot find this binary to re-execute: no /proc/self/exe and argv[0] %q is not absolute", os.Args[0])
}

// probeExecutable is the program a probe child runs: the role binary when
// RoleBinaryEnv names one (it links this package and starts far faster
// than a suite binary), else this binary.
func probeExecutable() (string, error) {
	if bin := os.Getenv(RoleBinaryEnv); bin != "" {
		return bin, nil
	}
	return SelfExecutable()
}
