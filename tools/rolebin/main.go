// Command rolebin builds the role binaries for this machine, as the VM
// images' build does (vm/image.BuildRoleBinaries, which installs a missing
// C compiler when root), into the directory -out names as pidfdconf-role
// and pidfdconf-role-c: make role-binary.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"

	"github.com/pidfdconf/pidfdconf/vm/image"
)

func main() {
	out := flag.String("out", "", "directory for pidfdconf-role and pidfdconf-role-c")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: rolebin -out DIR")
		os.Exit(2)
	}
	if err := build(*out); err != nil {
		fmt.Fprintln(os.Stderr, "rolebin:", err)
		os.Exit(1)
	}
}

func build(out string) error {
	root, err := image.ModuleRoot(".")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	logf := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	roles, err := image.BuildRoleBinaries(context.Background(), root, out, runtime.GOARCH, logf)
	if err != nil {
		return err
	}
	_, err = roles.MoveBeside(out)
	return err
}
