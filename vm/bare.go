package vm

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/boot"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// BareBoot is one boot of a kernel with an initramfs holding only /init:
// no suites and no selftests. What it takes is the fixed cost every VM of
// the matrix pays around the specs (QEMU and firmware, the kernel's boot,
// /init's mounts and probes, the power-off), so `make bench` can set it
// against the time the specs themselves take.
type BareBoot struct {
	Wall         time.Duration // QEMU start to exit, host clock
	UptimeAtInit time.Duration // the guest's clock when /init started
	InitrdBytes  int64
}

// bareTimeout bounds a bare boot: a minute of boot under TCG on a loaded
// host, with room to spare; a guest stuck longer is reported, not waited on.
const bareTimeout = 3 * time.Minute

// BootBare boots k as a column's runVM would (same kernel file, command line shape,
// CPUs) but with /init alone, keeping console.log and results.stream in dir.
func BootBare(ctx context.Context, cfg RunConfig, k *kernels.Kernel, dir string) (BareBoot, error) {
	release, err := cfg.claimBinDir()
	if err != nil {
		return BareBoot{}, err
	}
	defer release()
	initBin, err := image.BuildGuest(ctx, cfg.Root, cfg.binDir(), k.Arch, cfg.logf)
	if err != nil {
		return BareBoot{}, err
	}
	img, err := image.Write(filepath.Join(dir, "initramfs.cpio"), k.Arch, initBin, nil)
	if err != nil {
		return BareBoot{}, err
	}
	v := &boot.VM{
		Arch: k.MachineArch(), Kernel: boot.KernelFile(ctx, cfg.Cache, k, cfg.logf), Initrd: img.Path, Append: k.BootArgs,
		MemoryMB: vmMemory(cfg, k, img), CPUs: max(1, cfg.CPUs), Timeout: bareTimeout, Silence: bareTimeout / 2, Accel: boot.AccelFor(ctx, k.MachineArch()),
		ConsoleLog: filepath.Join(dir, "console.log"),
		ResultLog:  filepath.Join(dir, "results.stream"),
	}
	// The oops of a sound kernel under TCG that a column boots past
	// (runBooted) would otherwise cost the bench its fixed-cost figure.
	res, _ := runRetrying(ctx, v, filepath.Join(dir, "console-first-boot.log"), k.Name, cfg.logf)
	kr := judge.NewKernelRun(k)
	kr.JudgeVM(v, res)
	if why := v.EndReason(res); why != "" || kr.Info == nil {
		return BareBoot{}, fmt.Errorf("bare boot of %s: %s (console: %s)", k.Name, format.Or(why, kr.Miss), v.ConsoleLog)
	}
	return BareBoot{Wall: res.Wall, UptimeAtInit: kr.Boot, InitrdBytes: img.Size}, nil
}
