// Command soak runs the suites many times to find flaky specs: the native
// suites N times (go tool ginkgo --repeat), the same again under CPU and IO
// load (stress-ng), then every smoke VM kernel M times through the runner,
// and the lsm-selinux column (Debian's 6.12 under enforcing SELinux) S
// times.
// After each stage it checks that nothing of ours is left behind (child
// processes, zombies, QEMU, file descriptors). It prints the flake table
// (specs that both passed and failed) and the runtime, and exits 1 on any
// flake, failure or leak, 3 when it could not run a stage at all.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// options are the soak's flags.
type options struct {
	n, vmN      int
	selinuxN    int
	out, runner string
	goTool      string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 100, "runs of every native suite, unloaded and again under stress-ng ($SOAK_N); 0: no native stages")
	flag.IntVar(&o.vmN, "vm-n", 10, "runs of the smoke VM matrix ($SOAK_VM_N); 0: no VM stage")
	flag.IntVar(&o.selinuxN, "selinux-n", 10, "runs of the lsm-selinux VM column ($SOAK_SELINUX_N); 0: none")
	flag.StringVar(&o.out, "out", "out/soak", "logs and reports go here")
	flag.StringVar(&o.runner, "runner", "out/bin/pidfdconf-vm", "the built VM runner")
	flag.StringVar(&o.goTool, "go", "go", "the go tool")
	flag.Parse()
	os.Exit(run(o))
}

// stage is one part of the soak; it records results into t and returns an
// error only when it could not run at all.
type stage struct {
	name string
	run  func(o options, t *tally) error
}

func run(o options) int {
	start := time.Now()
	// Orphans of ours (a QEMU whose runner died, a suite's stray child)
	// are reparented to us, so the leak check sees every descendant.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "soak: cannot become a child subreaper:", err)
		return 3
	}
	o.out, _ = filepath.Abs(o.out)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		return 3
	}
	var stages []stage
	if o.n > 0 {
		stages = append(stages,
			stage{"native", func(o options, t *tally) error { return nativeStage(o, t, "native") }},
			stage{"native under stress-ng", stressStage})
	}
	if o.vmN > 0 {
		stages = append(stages, stage{"VM", vmStage})
	}
	if o.selinuxN > 0 {
		stages = append(stages, stage{"VM lsm-selinux", selinuxStage})
	}
	t := newTally()
	fds := baselineFDs()
	code := 0
	for _, s := range stages {
		st := time.Now()
		fmt.Printf("== soak stage %s\n", s.name)
		if err := s.run(o, t); err != nil {
			fmt.Fprintf(os.Stderr, "soak: stage %s: %v\n", s.name, err)
			code = 3
		}
		if leaks := checkLeaks(fds); len(leaks) > 0 {
			code = max(code, 1)
			for _, l := range leaks {
				fmt.Printf("LEAK after %s: %s\n", s.name, l)
			}
		}
		fmt.Printf("== stage %s took %s\n", s.name, time.Since(st).Round(time.Second))
	}
	if t.print(os.Stdout) {
		code = max(code, 1)
	}
	fmt.Printf("soak runtime %s (native runs %d, VM runs %d, lsm-selinux runs %d); logs in %s\n", time.Since(start).Round(time.Second), o.n, o.vmN, o.selinuxN, o.out)
	return code
}
