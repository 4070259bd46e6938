package setup

import (
	"errors"
	"fmt"
)

// Error is a problem with the input or the machine, never a verdict on a
// kernel. Its message is one line that names the fix.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Errorf is an Error with a formatted message.
func Errorf(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// IsError reports whether err (or what it wraps) is an Error.
func IsError(err error) bool {
	var se *Error
	return errors.As(err, &se)
}
