package vm

import "github.com/pidfdconf/pidfdconf/vm/frame"

type jsonMatrix struct {
	Run         string       `json:"run"`
	ExitCode    int          `json:"exit_code"`
	Strict      bool         `json:"strict"`
	WallSeconds float64      `json:"wall_seconds"`
	Images      []*Image     `json:"images"`
	Kernels     []jsonKernel `json:"kernels"`
	Rows        []jsonRow    `json:"rows"`
}

type jsonKernel struct {
	Name          string            `json:"name"`
	Spec          string            `json:"spec"`
	Describe      string            `json:"describe"`
	Arch          string            `json:"arch"`
	BzImage       string            `json:"bzimage,omitempty"`
	Config        string            `json:"config,omitempty"`
	ConfigSHA256  string            `json:"config_sha256,omitempty"`
	BootArgs      string            `json:"boot_args,omitempty"`
	LSMGroup      string            `json:"lsm_group,omitempty"`
	Info          *frame.GuestInfo  `json:"guest,omitempty"`
	BootSeconds   float64           `json:"boot_seconds"`
	SuitesSeconds float64           `json:"suites_seconds"`
	WallSeconds   float64           `json:"wall_seconds"`
	Counts        map[Result]int    `json:"counts"`
	Miss          string            `json:"miss,omitempty"`
	SuiteMiss     map[string]string `json:"suite_miss,omitempty"`
	Runs          []frame.SuiteRun  `json:"suite_runs,omitempty"`
	ConsoleLog    string            `json:"console_log"`
	ConsoleTail   string            `json:"console_tail,omitempty"`
	Expired       []string          `json:"expired_expectations,omitempty"`
}

type jsonRow struct {
	Row
	Cells map[string]Cell `json:"cells"` // by kernel name
}

func jsonReport(m *Matrix) jsonMatrix {
	j := jsonMatrix{Run: m.RunID, ExitCode: m.ExitCode(), Strict: m.Strict, WallSeconds: m.Wall.Seconds(), Images: m.Image}
	for _, kr := range m.Kernels {
		k := kr.Kernel
		jk := jsonKernel{
			Name: k.Name, Spec: k.Spec.Raw, Describe: k.Describe, Arch: k.Arch, BzImage: k.BzImage, Config: k.Config,
			BootArgs: k.BootArgs, LSMGroup: k.LSMGroup, Info: kr.Info, BootSeconds: kr.Boot.Seconds(), SuitesSeconds: kr.Suite.Seconds(),
			WallSeconds: kr.Wall.Seconds(), Counts: m.Counts(kr), Miss: kr.Miss, SuiteMiss: kr.SuiteMiss, Runs: kr.Runs,
			ConsoleLog: safeName(k.Name) + "/console.log", Expired: kr.ExpiredExpectations,
		}
		if k.Config != "" {
			jk.ConfigSHA256, _ = hashFile(k.Config)
		}
		if m.Cell(kr, BootRow).Result == MISS || len(kr.SuiteMiss) > 0 {
			jk.ConsoleTail = kr.ConsoleTail
		}
		j.Kernels = append(j.Kernels, jk)
	}
	for _, r := range m.Rows {
		jr := jsonRow{Row: r, Cells: map[string]Cell{}}
		for _, kr := range m.Kernels {
			jr.Cells[kr.Kernel.Name] = m.Cell(kr, r)
		}
		j.Rows = append(j.Rows, jr)
	}
	return j
}
