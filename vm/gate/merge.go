package gate

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/image"

	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/report"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Merge combines the matrix.json of shards into one matrix: every shard's
// columns, every row seen in any shard. Rows are rebuilt exactly as one
// unsharded run builds them (NewMatrix), so derived rows such as
// LSM-independence are judged across shards.
func Merge(paths []string) (*judge.Matrix, error) {
	var runs []*judge.KernelRun
	var ids []string
	seen := map[string]string{}
	images := map[string]bool{}
	var wall time.Duration
	strict := false
	var imgs []*image.Image
	for _, p := range paths {
		j, err := LoadMatrixJSON(p)
		if err != nil {
			return nil, err
		}
		ids = append(ids, j.Run)
		strict = strict || j.Strict
		wall = max(wall, seconds(j.WallSeconds))
		for _, img := range j.Images {
			if img != nil && !images[img.SHA256] {
				images[img.SHA256] = true
				imgs = append(imgs, img)
			}
		}
		for _, jk := range j.Kernels {
			if other, dup := seen[jk.Name]; dup {
				return nil, setup.Errorf("kernel column %q is in both %s and %s: shards must not overlap", jk.Name, other, p)
			}
			seen[jk.Name] = p
			kr := kernelRunFromJSON(jk, j.Rows, filepath.Dir(p))
			runs = append(runs, kr)
		}
	}
	if len(runs) == 0 {
		return nil, setup.Errorf("merge: no kernel columns in %v", paths)
	}
	m := judge.NewMatrix("merge-"+strings.Join(ids, "+"), runs)
	m.Strict, m.Wall, m.Image = strict, wall, imgs
	return m, nil
}

// kernelRunFromJSON rebuilds one column from its matrix.json entry and rows.
func kernelRunFromJSON(jk report.KernelJSON, rows []report.RowJSON, runDir string) *judge.KernelRun {
	spec, err := kernels.ParseKernelSpec(jk.Spec)
	if err != nil {
		spec = kernels.KernelSpec{Raw: jk.Spec}
	}
	// BzImage and Config name files on the machine that ran the shard:
	// they are carried into the reports, never read here (report.JSON
	// would hash Config without its known hash).
	k := &kernels.Kernel{
		Spec: spec, Name: jk.Name, Describe: jk.Describe, BzImage: jk.BzImage, ConfigSource: jk.ConfigSource,
		Arch: jk.Arch, KernelArch: jk.KernelArch, BootArgs: jk.BootArgs, LSMGroup: jk.LSMGroup,
	}
	if jk.ConfigSHA256 != "" {
		k.Config, k.ConfigSHA256 = jk.Config, jk.ConfigSHA256
	}
	kr := judge.NewKernelRun(k)
	kr.ConfigNote, kr.ConfigSeen = jk.ConfigNote, jk.ConfigSeen
	kr.Info, kr.Miss, kr.Runs, kr.ConsoleTail = jk.Info, jk.Miss, jk.Runs, jk.ConsoleTail
	kr.Accel, kr.AccelWhy, kr.BootRetry, kr.SelftestBootRetry = jk.Accel, jk.AccelWhy, jk.BootRetry, jk.SelftestRetry
	kr.ExpiredExpectations = jk.Expired
	kr.Boot, kr.Suite, kr.Wall = seconds(jk.BootSeconds), seconds(jk.SuitesSeconds), seconds(jk.WallSeconds)
	kr.Dir = filepath.Join(runDir, kernels.SafeName(jk.Name))
	for s, why := range jk.SuiteMiss {
		kr.SuiteMiss[s] = why
	}
	for _, r := range rows {
		c, ok := r.Cells[jk.Name]
		switch {
		case r.Key() == judge.LSMRow.Key():
			continue // judged again across all shards
		case r.Key() == judge.BootRow.Key():
			kr.Cells[r.Key()] = c // NewMatrix puts the boot row first itself
		case ok:
			kr.Set(r.Row, c)
		}
	}
	return kr
}

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}

// WriteMerged writes the merged matrix into dir: the shards' kernel
// directories (console logs, Ginkgo reports, selftests) are copied (only
// their files and directories, see copyKernelDir), each kernel's ktap.txt
// and junit.xml are written again from the merged rows, and then every
// matrix report.
func WriteMerged(m *judge.Matrix, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return setup.Errorf("cannot create %s: %v", dir, err)
	}
	out, err := os.OpenRoot(dir)
	if err != nil {
		return setup.Errorf("cannot open %s: %v", dir, err)
	}
	defer out.Close()
	for _, kr := range m.Kernels {
		name := kernels.SafeName(kr.Kernel.Name)
		if err := copyKernelDir(kr.Dir, out, name); err != nil {
			return err
		}
		kr.Dir = filepath.Join(dir, name)
		if err := out.WriteFile(path.Join(name, "junit.xml"), report.JUnit(m, []*judge.KernelRun{kr}), 0o644); err != nil {
			return err
		}
		if err := out.WriteFile(path.Join(name, "ktap.txt"), []byte(report.KTAP(m, kr)), 0o644); err != nil {
			return err
		}
	}
	return report.WriteMatrix(m, dir)
}
