package kernel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// probeTimeout bounds the wait for a probe child's release: generous, as
// each probe runs once per process, even under emulation.
const probeTimeout = 30 * time.Second

func probeCloneAutoreap() error {
	return probeClone3Flags(CLONE_AUTOREAP | unix.CLONE_PIDFD)
}

func probeCloneNNP() error {
	return probeClone3Flags(CLONE_NNP | CLONE_AUTOREAP | unix.CLONE_PIDFD)
}

func probeClonePidfdAutokill() error {
	return probeClone3Flags(CLONE_PIDFD_AUTOKILL | CLONE_NNP | CLONE_AUTOREAP | unix.CLONE_PIDFD)
}

// probeClone3Flags creates an autoreaped child with flags that exits at
// once, and waits for POLLHUP on its pidfd: the kernel has released it.
func probeClone3Flags(flags uint64) error {
	c, err := Clone3Exit(flags, 0, 0)
	if err != nil {
		return fmt.Errorf("clone3(%s): %w", clone3FlagNames(flags), err)
	}
	defer unix.Close(c.Pidfd)
	if _, err := WaitPollBits(context.Background(), c.Pidfd, unix.POLLHUP, probeTimeout); err != nil {
		return fmt.Errorf("clone3(%s) child was not released: %w", clone3FlagNames(flags), err)
	}
	return nil
}

func clone3FlagNames(flags uint64) string {
	var names []string
	for _, n := range []struct {
		bit  uint64
		name string
	}{
		{unix.CLONE_PIDFD, "CLONE_PIDFD"}, {CLONE_AUTOREAP, "CLONE_AUTOREAP"},
		{CLONE_NNP, "CLONE_NNP"}, {CLONE_PIDFD_AUTOKILL, "CLONE_PIDFD_AUTOKILL"},
	} {
		if flags&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, "|")
}

// probePidfdSelf sends signal 0 to PIDFD_SELF_THREAD, which has the same
// value in both numberings; a kernel without sentinels says EBADF.
func probePidfdSelf() error {
	if err := unix.PidfdSendSignal(PIDFD_SELF_THREAD, 0, nil, 0); err != nil {
		return fmt.Errorf("pidfd_send_signal(PIDFD_SELF_THREAD, 0): %w", err)
	}
	return nil
}

// PidfdSelfThreadGroup is the PIDFD_SELF_THREAD_GROUP value the running
// kernel takes: -10001 since v6.17, -20000 in v6.15 and v6.16.
func PidfdSelfThreadGroup() (int, error) {
	var errs []error
	for _, v := range []int{PIDFD_SELF_THREAD_GROUP, PIDFD_SELF_THREAD_GROUP_OLD} {
		err := unix.PidfdSendSignal(v, 0, nil, 0)
		if err == nil {
			return v, nil
		}
		errs = append(errs, fmt.Errorf("pidfd_send_signal(%d, 0): %w", v, err))
	}
	return 0, errors.Join(errs...)
}
