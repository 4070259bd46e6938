package kernel

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// signalScopeRuleset creates a Landlock ruleset that handles no access
// right and scopes signals (LANDLOCK_SCOPE_SIGNAL): a thread restricted by
// it may signal only processes in its own Landlock domain or below.
func signalScopeRuleset() (int, error) {
	attr := landlockRulesetAttrV6{Scoped: unix.LANDLOCK_SCOPE_SIGNAL}
	fd, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0)
	if errno != 0 {
		return -1, fmt.Errorf("landlock_create_ruleset(scoped=LANDLOCK_SCOPE_SIGNAL): %w", errno)
	}
	return int(fd), nil
}

// RestrictSignalScope confines the calling thread, and the processes it
// starts afterwards, to signalling inside its new Landlock domain. Only a
// helper role may call it: it sets no_new_privs, which nothing undoes.
func RestrictSignalScope() error {
	ruleset, err := signalScopeRuleset()
	if err != nil {
		return err
	}
	defer unix.Close(ruleset)
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	if _, _, errno := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(ruleset), 0, 0); errno != 0 {
		return fmt.Errorf("landlock_restrict_self: %w", errno)
	}
	return nil
}

func probeLandlockScopeSignal() error {
	ruleset, err := signalScopeRuleset()
	if err != nil {
		return err
	}
	return unix.Close(ruleset)
}
