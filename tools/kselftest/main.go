// Command kselftest installs the suites as the kselftest collection
// "pidfdconf": one static program per suite that prints KTAP and exits with
// kselftest's codes, the role binary beside them, the collection's
// settings, and its lines in kselftest-list.txt, so a lab's
// run_kselftest.sh runs it with no Go on the target. `make
// kselftest-install` calls it; the install itself is vm/kselftest's, which
// the VM runner's kselftest guests use too.
//
//	usage: kselftest -install DIR [-arch x86_64|i386|arm64] [-runner=false]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/pidfdconf/pidfdconf/vm/kselftest"
)

func main() {
	dir := flag.String("install", "", "INSTALL_PATH: a kselftest install (or a new directory) to add the collection to")
	arch := flag.String("arch", "", "the target's kernel ARCH: x86_64, i386 or arm64 (default: this machine's)")
	runner := flag.Bool("runner", true, "copy the kernel's runner (run_kselftest.sh, kselftest/) from a linux-source into DIR when it has none (an existing install keeps its own)")
	flag.Parse()
	if *dir == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: kselftest -install DIR [-arch x86_64|i386|arm64] [-runner=false]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := kselftest.Install(ctx, kselftest.Options{Dir: *dir, Arch: *arch, Runner: *runner, Log: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "kselftest-install:", err)
		os.Exit(1)
	}
	fmt.Printf("installed the kselftest collection %s (%d programs for %s) in %s\n", kselftest.Collection, len(c.Programs), c.GOARCH, c.Dir)
	if c.Runner != "" {
		fmt.Printf("with the kernel's runner from %s\n", c.Runner)
	}
	fmt.Printf("run it: cd %s && ./run_kselftest.sh -c %s\n", *dir, kselftest.Collection)
}
