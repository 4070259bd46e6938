package vm

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/kselftest"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// A kselftest job (matrix -kselftest) runs the column's kernel once more,
// as a kernel CI lab runs kselftests: an initramfs with busybox as the
// shell and tools, `make kselftest-install`'s collection built for the
// column's userspace with the kernel's runner, and /init starting
// run_kselftest.sh -c pidfdconf. The host reads its stdout with the
// kernel's kunit_parser.py and compares it, spec by spec, with the
// column's own run of the suites (kselftest_check.go).

// KselftestBudget is how long run_kselftest.sh may take in its VM: every
// suite under TCG takes 2-4 minutes on arm64, the collection's settings
// allow each program 300 s.
var KselftestBudget = 20 * time.Minute

// kselftestGuests is what the build stage prepared for the kselftest jobs.
type kselftestGuests struct {
	installs map[string]string // INSTALL_PATH by GOARCH of the programs
	busybox  map[string]string // by GOARCH of the kernel
	script   string
	python   string
	tools    string // a kernel tree holding kunit_parser.py
}

// checkKselftest refuses, before anything is built, a kselftest run that
// cannot happen: an ARCH the collection does not build for, a column whose
// userspace is not ARCH, a kernel busybox is not fetched for.
func checkKselftest(cfg RunConfig, ks []*kernels.Kernel) error {
	if !cfg.Kselftest {
		if cfg.KselftestArch != "" {
			return setup.Errorf("ARCH=%s names the kselftest guests' userspace: add -kselftest (make kselftest-vm)", cfg.KselftestArch)
		}
		return nil
	}
	want := ""
	if cfg.KselftestArch != "" {
		var err error
		if want, err = kselftest.GOARCH(cfg.KselftestArch); err != nil {
			return setup.Errorf("%v", err)
		}
	}
	booted := 0
	for _, k := range ks {
		if k.Spec.Kind == kernels.KindHost {
			continue // make test's tools/kselftest check runs the host's
		}
		booted++
		if want != "" && k.Arch != want {
			return setup.Errorf("ARCH=%s, but column %s runs %s programs (%s): leave ARCH out, or name a kernel of that architecture (apt:…-cloud-arm64 for arm64, apt:…-cloud-amd64+compat for i386)", cfg.KselftestArch, k.Name, k.Arch, k.Architecture())
		}
		if _, err := kselftest.GOARCH(k.Arch); err != nil {
			return setup.Errorf("column %s: %v", k.Name, err)
		}
	}
	if booted == 0 {
		return setup.Errorf("-kselftest runs in VMs only: name a kernel to boot (the host's run is tools/kselftest's test in make test)")
	}
	return nil
}

// prepareKselftest builds the collection for every userspace of the run's
// VMs, fetches busybox for every kernel architecture, and finds the
// kernel's KTAP parser and python3 for the host's reading.
func prepareKselftest(ctx context.Context, cfg RunConfig, ks []*kernels.Kernel, resolver *kernels.Resolver) (*kselftestGuests, error) {
	g := &kselftestGuests{installs: map[string]string{}, busybox: map[string]string{}}
	if err := setup.EnsurePackages(ctx, cfg.logf, "reading the kselftest guests' KTAP with the kernel's kunit_parser.py", "python3"); err != nil {
		return nil, err
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		return nil, setup.Errorf("python3 is not on PATH: apt-get install -y python3")
	}
	g.python = python
	dir := filepath.Join(cfg.binDir(), "kselftest")
	if g.script, err = kselftest.WriteScript(dir); err != nil {
		return nil, err
	}
	for _, k := range ks {
		if k.Spec.Kind == kernels.KindHost {
			continue
		}
		if _, ok := g.installs[k.Arch]; !ok {
			t := time.Now()
			install := filepath.Join(dir, k.Arch)
			c, err := kselftest.Install(ctx, kselftest.Options{Dir: install, Arch: k.Arch, Runner: true, Log: cfg.Log})
			if err != nil {
				return nil, setup.Errorf("the kselftest install for %s: %v", k.Arch, err)
			}
			cfg.logf("kselftest install %s: %d programs for %s in %s", install, len(c.Programs), c.GOARCH, format.Duration(time.Since(t)))
			g.installs[k.Arch] = install
		}
		if _, ok := g.busybox[k.MachineArch()]; !ok {
			bin, source, err := resolver.Busybox(ctx, k.MachineArch())
			if err != nil {
				return nil, err
			}
			cfg.logf("kselftest guests of %s kernels: %s", k.MachineArch(), source)
			g.busybox[k.MachineArch()] = bin
		}
	}
	if g.tools, _, err = kselftest.KernelTools(ctx, cfg.Log); err != nil {
		return nil, err
	}
	return g, nil
}

// kselftestImage is k's kselftest initramfs: /init alone for k's
// userspace, then busybox, the install and k's config as a layer.
func (b *builds) kselftestImage(cfg RunConfig, k *kernels.Kernel) (*image.Image, error) {
	bare, err := image.WriteCached(cfg.Cache, k.Arch, b.guests[k.Arch], nil)
	if err != nil {
		return nil, err
	}
	g := kselftest.Guest{Busybox: b.kselftest.busybox[k.MachineArch()], Install: b.kselftest.installs[k.Arch], Script: b.kselftest.script}
	if k.Config != "" {
		if release, err := kernels.KernelRelease(k.BzImage); err == nil {
			g.Config, g.Release = k.Config, release
		}
	}
	l, err := g.Layer()
	if err != nil {
		return nil, err
	}
	// The layer is most of the image (a program per suite, where the
	// suites' image links them to one); the VM's memory follows its size.
	return image.WithLayers(cfg.Cache, bare, l)
}

// kselftestRun is what a kselftest job left for the column's judgement.
type kselftestRun struct {
	note    string // why there is nothing to compare (the harness's fault)
	end     frame.KselftestRun
	wall    time.Duration
	summary kselftest.Summary
}

// runKselftest boots k with its kselftest image and reads what came back.
// However it ends, the column's verdicts stand: only the kselftest row
// judges this run.
func (c *column) runKselftest(ctx context.Context) {
	run := &kselftestRun{}
	c.kselftest = run
	img, err := c.b.kselftestImage(c.cfg, c.k)
	if err != nil {
		run.note = "building its initramfs: " + err.Error()
		return
	}
	appendArgs := guestAppend(c.cfg, c.k, c.scale, len(c.b.areas)) + " " + frame.KselftestTimeoutEnv + "=" + KselftestBudget.String()
	vm := c.vm(ctx, img, appendArgs, KselftestBudget+selftestBoot, "kselftest-")
	// The guest's heartbeat keeps the console alive while a program runs.
	vm.Silence = 2 * time.Minute
	res := vm.Run(ctx)
	run.wall = res.Wall
	f, err := os.Open(vm.ResultLog)
	if err != nil {
		run.note = "no result stream: " + err.Error()
		return
	}
	defer f.Close()
	s := frame.Read(f)
	if why := vm.EndReason(res); why != "" && !s.Complete() {
		run.note = "its VM ended early: " + why + "; console: " + filepath.Join(c.kr.Dir, "kselftest-console.log")
		return
	}
	out, end, note := kselftestOutput(s)
	run.end = end
	if note != "" {
		run.note = note
		return
	}
	_ = os.WriteFile(filepath.Join(c.kr.Dir, "kselftest.txt"), out, 0o644)
	if run.summary, err = kselftest.Parse(ctx, c.b.kselftest.python, c.cfg.Root, c.b.kselftest.tools, out); err != nil {
		run.note = "kunit_parser could not read it: " + err.Error()
	}
}

// kselftestOutput is run_kselftest.sh's stdout from a kselftest guest's
// stream, or why there is none to judge: no output or end came back, or
// the run did not end on its own (the guest's budget, its output cap).
func kselftestOutput(s *frame.Stream) (out []byte, end frame.KselftestRun, note string) {
	out, ok := s.Get(frame.KselftestOutput)
	endData, endOK := s.Get(frame.KselftestEnd)
	if !ok || !endOK || json.Unmarshal(endData, &end) != nil {
		return nil, end, "no run_kselftest.sh output came back: " + format.Or(strings.Join(s.Problems, "; "), "the stream holds none")
	}
	if end.Error != "" || end.Truncated {
		return nil, end, fmt.Sprintf("run_kselftest.sh did not end on its own (exit %d): %s", end.Exit, format.Or(end.Error, "its output passed the guest's cap"))
	}
	return out, end, ""
}
