package gate

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/report"
)

// A matrix.json that merge, -baseline or compare reads is input: a shard
// downloaded from another CI job, a baseline from anywhere. Everything in
// it is checked before it is used, and a file that fails is a setup error
// naming the file, the field and the row or kernel.

// Sizes a run writes (Debian 6.1, 6.12, 7.3 and the host, December 2026):
// a matrix.json of 520 KB, 439 rows, its longest string a kernel's command
// line of 573 bytes; the longest a run may write by design is a console
// tail (format.ConsoleTailBytes, 64 KiB).
const (
	// MaxMatrixJSONBytes caps the file: 120 times the four-kernel run,
	// room for CONFIGS=all's fifteen columns many times over.
	MaxMatrixJSONBytes = 64 << 20
	// maxJSONString caps any string in it: 16 times a console tail.
	maxJSONString = 1 << 20
)

// suiteField is a suite's name ("" for the runner rows).
var suiteField = regexp.MustCompile(`^([a-z0-9][a-z0-9_-]{0,63})?$`)

// checker collects the first problem of one file.
type checker struct {
	path string
	err  error
}

func (c *checker) failf(field, format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%s: %s: %s", c.path, field, fmt.Sprintf(format, args...))
	}
}

// str checks one string field.
func (c *checker) str(field, s string) {
	switch {
	case len(s) > maxJSONString:
		c.failf(field, "%d bytes, more than %d", len(s), maxJSONString)
	case !utf8.ValidString(s):
		c.failf(field, "not UTF-8")
	}
}

func (c *checker) strs(field string, ss []string) {
	for i, s := range ss {
		c.str(fmt.Sprintf("%s[%d]", field, i), s)
	}
}

func (c *checker) seconds(field string, f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		c.failf(field, "%v is not a duration in seconds", f)
	}
}

func (c *checker) suite(field, s string) {
	if !suiteField.MatchString(s) {
		c.failf(field, "%q is not a suite's name", truncate(s))
	}
}

func (c *checker) result(field string, v judge.Verdict) {
	if !v.Known() {
		c.failf(field, "unknown result %q (want PASS, FAIL, SKIP, XFAIL, XPASS, TIMEOUT, MISS or \"\")", truncate(string(v)))
	}
}

func (c *checker) cell(field string, cell judge.Cell) {
	c.result(field+".result", cell.Result)
	c.str(field+".reason", cell.Reason)
	c.str(field+".id", cell.ID)
	c.str(field+".location", cell.Location)
	c.seconds(field+".seconds", cell.Seconds)
}

// checkMatrixJSON checks every field of m, read from path.
func checkMatrixJSON(path string, m *report.MatrixJSON) error {
	c := &checker{path: path}
	c.str("run", m.Run)
	c.seconds("wall_seconds", m.WallSeconds)
	for i, img := range m.Images {
		if img == nil {
			continue
		}
		f := fmt.Sprintf("images[%d]", i)
		c.str(f+".Path", img.Path)
		c.str(f+".Arch", img.Arch)
		c.str(f+".SHA256", img.SHA256)
		for j, s := range img.Suites {
			c.suite(fmt.Sprintf("%s.Suites[%d]", f, j), s)
		}
	}
	names := map[string]bool{}
	for i, k := range m.Kernels {
		c.kernel(fmt.Sprintf("kernels[%d]", i), k)
		if names[k.Name] {
			c.failf(fmt.Sprintf("kernels[%d] (%q).name", i, truncate(k.Name)), "a second column of that name")
		}
		names[k.Name] = true
	}
	for i, r := range m.Rows {
		f := fmt.Sprintf("rows[%d] (%q)", i, truncate(r.Key()))
		c.suite(f+".suite", r.Suite)
		c.str(f+".text", r.Text)
		c.str(f+".id", r.ID)
		c.strs(f+".labels", r.Labels)
		c.str(f+".mirrors", r.Mirrors)
		c.str(f+".since", r.Since)
		c.str(f+".file", r.File)
		for name, cell := range r.Cells {
			cf := fmt.Sprintf("%s.cells[%q]", f, truncate(name))
			if !names[name] {
				c.failf(cf, "no kernel column of that name")
			}
			c.cell(cf, cell)
		}
	}
	return c.err
}

// kernel checks one column; its name becomes a directory in a merge.
func (c *checker) kernel(field string, k report.KernelJSON) {
	if err := kernels.CheckName(k.Name); err != nil {
		c.failf(field+".name", "%v", err)
		return
	}
	field = fmt.Sprintf("%s (%q)", field, k.Name)
	for sub, s := range map[string]string{"spec": k.Spec, "describe": k.Describe, "arch": k.Arch, "kernel_arch": k.KernelArch, "architecture": k.Architecture, "bzimage": k.BzImage,
		"config": k.Config, "config_sha256": k.ConfigSHA256, "boot_args": k.BootArgs, "lsm_group": k.LSMGroup,
		"miss": k.Miss, "console_log": k.ConsoleLog, "console_tail": k.ConsoleTail, "accelerator": k.Accel, "accelerator_note": k.AccelWhy,
		"boot_retry": k.BootRetry, "selftest_boot_retry": k.SelftestRetry} {
		c.str(field+"."+sub, s)
	}
	if k.Accel != "" && k.Accel != "KVM" && k.Accel != "TCG" {
		c.failf(field+".accelerator", "%q is neither KVM nor TCG", truncate(k.Accel))
	}
	c.seconds(field+".boot_seconds", k.BootSeconds)
	c.seconds(field+".suites_seconds", k.SuitesSeconds)
	c.seconds(field+".wall_seconds", k.WallSeconds)
	for v := range k.Counts {
		c.result(field+".counts", v)
	}
	for s, why := range k.SuiteMiss {
		c.suite(field+".suite_miss", s)
		c.str(fmt.Sprintf("%s.suite_miss[%q]", field, truncate(s)), why)
	}
	for i, r := range k.Runs {
		c.suite(fmt.Sprintf("%s.suite_runs[%d].suite", field, i), r.Suite)
		c.str(fmt.Sprintf("%s.suite_runs[%d].error", field, i), r.Error)
		c.str(fmt.Sprintf("%s.suite_runs[%d].process", field, i), r.Process)
		c.seconds(fmt.Sprintf("%s.suite_runs[%d].seconds", field, i), r.Seconds)
	}
	c.strs(field+".expired_expectations", k.Expired)
	if k.Info != nil {
		if err := k.Info.Check(); err != nil {
			c.failf(field+".guest", "%v", err)
		}
		c.strs(field+".guest.lsms", k.Info.LSMs)
		c.strs(field+".guest.mounts", k.Info.Mounts)
		for i, p := range k.Info.Probes {
			c.strs(fmt.Sprintf("%s.guest.probes[%d]", field, i), []string{p.Name, p.Since, p.Config, p.Detail})
		}
	}
}

// truncate keeps a quoted value short in a message.
func truncate(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
