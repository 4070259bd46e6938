package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// runTreeGit is `pidfdconf-vm tree-git DIR ARGS...`: git in a kernel tree
// someone else wrote, hardened as the runner's own git calls are. Its exit
// code is git's.
func runTreeGit(args []string) int {
	if len(args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		return judge.ExitSetup
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := kernels.TreeGit(ctx, args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.Exited():
		return ee.ExitCode()
	case err != nil:
		return fail(err)
	}
	return 0
}
