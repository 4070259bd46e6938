package vm

import (
	"errors"
	"fmt"
)

// Exit codes of the runner, from the worst verdict of its matrix.
const (
	ExitOK    = 0 // every cell PASS, SKIP or XFAIL
	ExitFail  = 1 // any FAIL or TIMEOUT (XPASS in strict mode)
	ExitMiss  = 2 // any MISS and no FAIL
	ExitSetup = 3 // usage or setup error: nothing was judged
)

// SetupError is a problem with the input or the machine, never a verdict on
// a kernel. Its message is one line that names the fix.
type SetupError struct{ Msg string }

func (e *SetupError) Error() string { return e.Msg }

func setupErrorf(format string, args ...any) error {
	return &SetupError{Msg: fmt.Sprintf(format, args...)}
}

// KernelBuildError is kernel sources that did not build: a setup error for
// a matrix run, and for a bisection step a commit that cannot be judged.
type KernelBuildError struct{ SetupError }

// Unwrap lets IsSetupError see the setup error inside.
func (e *KernelBuildError) Unwrap() error { return &e.SetupError }

// IsSetupError reports whether err (or what it wraps) is a SetupError.
func IsSetupError(err error) bool {
	var se *SetupError
	return errors.As(err, &se)
}
