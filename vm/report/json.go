package report

import (
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/vm/image"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

type MatrixJSON struct {
	Run         string         `json:"run"`
	ExitCode    int            `json:"exit_code"`
	Strict      bool           `json:"strict"`
	WallSeconds float64        `json:"wall_seconds"`
	Images      []*image.Image `json:"images"`
	Kernels     []KernelJSON   `json:"kernels"`
	Rows        []RowJSON      `json:"rows"`
}

type KernelJSON struct {
	Name     string `json:"name"`
	Spec     string `json:"spec"`
	Describe string `json:"describe"`
	Arch     string `json:"arch"`
	// KernelArch is the kernel's GOARCH where it differs from Arch, the
	// suites' (a compat column); Architecture names both.
	KernelArch    string                    `json:"kernel_arch,omitempty"`
	Architecture  string                    `json:"architecture"`
	BzImage       string                    `json:"bzimage,omitempty"`
	Config        string                    `json:"config,omitempty"`
	ConfigSHA256  string                    `json:"config_sha256,omitempty"`
	ConfigSource  string                    `json:"config_source,omitempty"`
	ConfigNote    string                    `json:"config_note,omitempty"`
	ConfigSeen    bool                      `json:"config_seen"`
	BootArgs      string                    `json:"boot_args,omitempty"`
	LSMGroup      string                    `json:"lsm_group,omitempty"`
	Info          *frame.GuestInfo          `json:"guest,omitempty"`
	BootSeconds   float64                   `json:"boot_seconds"`
	SuitesSeconds float64                   `json:"suites_seconds"`
	WallSeconds   float64                   `json:"wall_seconds"`
	Counts        map[judge.Verdict]int     `json:"counts"`
	SkipClasses   map[outcome.SkipClass]int `json:"skip_classes,omitempty"`
	Miss          string                    `json:"miss,omitempty"`
	Accel         string                    `json:"accelerator,omitempty"`
	AccelWhy      string                    `json:"accelerator_note,omitempty"`
	BootRetry     string                    `json:"boot_retry,omitempty"`
	SelftestRetry string                    `json:"selftest_boot_retry,omitempty"`
	SuiteMiss     map[string]string         `json:"suite_miss,omitempty"`
	Runs          []frame.SuiteRun          `json:"suite_runs,omitempty"`
	ConsoleLog    string                    `json:"console_log"`
	ConsoleTail   string                    `json:"console_tail,omitempty"`
	Expired       []string                  `json:"expired_expectations,omitempty"`
}

type RowJSON struct {
	judge.Row
	Cells map[string]judge.Cell `json:"cells"` // by kernel name
}

func JSON(m *judge.Matrix) MatrixJSON {
	j := MatrixJSON{Run: m.RunID, ExitCode: m.ExitCode(), Strict: m.Strict, WallSeconds: m.Wall.Seconds(), Images: m.Image}
	for _, kr := range m.Kernels {
		k := kr.Kernel
		jk := KernelJSON{
			Name: k.Name, Spec: k.Spec.Raw, Describe: k.Describe, Arch: k.Arch, KernelArch: k.KernelArch, Architecture: k.Architecture(), BzImage: k.BzImage, Config: k.Config,
			BootArgs: k.BootArgs, LSMGroup: k.LSMGroup, Info: kr.Info, BootSeconds: kr.Boot.Seconds(), SuitesSeconds: kr.Suite.Seconds(),
			WallSeconds: kr.Wall.Seconds(), Counts: m.Counts(kr), Miss: kr.Miss, Accel: kr.Accel, AccelWhy: kr.AccelWhy, BootRetry: kr.BootRetry, SelftestRetry: kr.SelftestBootRetry, SuiteMiss: kr.SuiteMiss, Runs: kr.Runs,
			ConsoleLog: kernels.SafeName(k.Name) + "/console.log", Expired: kr.ExpiredExpectations,
			ConfigSource: k.ConfigSource, ConfigNote: kr.ConfigNote, ConfigSeen: kr.ConfigSeen, SkipClasses: m.SkipClasses(kr),
		}
		jk.ConfigSHA256 = k.ConfigSHA256
		if jk.ConfigSHA256 == "" && k.Config != "" {
			jk.ConfigSHA256, _ = cache.HashFile(k.Config)
		}
		if m.Cell(kr, judge.BootRow).Result == judge.MISS || len(kr.SuiteMiss) > 0 {
			jk.ConsoleTail = kr.ConsoleTail
		}
		j.Kernels = append(j.Kernels, jk)
	}
	for _, r := range m.Rows {
		jr := RowJSON{Row: r, Cells: map[string]judge.Cell{}}
		for _, kr := range m.Kernels {
			jr.Cells[kr.Kernel.Name] = m.Cell(kr, r)
		}
		j.Rows = append(j.Rows, jr)
	}
	return j
}
