package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/selftests"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

// writeSelftestReports writes <kernel>/selftests.txt (the cross-check,
// disagreements first) and selftests.json (every program's parsed output
// and the cross-check rows) when the kernel's selftests ran.
func writeSelftestReports(kr *judge.KernelRun) error {
	if len(kr.Selftests) == 0 {
		return nil
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", kr.SelftestSource)
	selftests.WriteReport(&b, kr.Kernel.Name, kr.CrossCheck)
	if err := os.WriteFile(filepath.Join(kr.Dir, "selftests.txt"), b.Bytes(), 0o644); err != nil {
		return err
	}
	return WriteJSON(filepath.Join(kr.Dir, "selftests.json"), map[string]any{
		"source": kr.SelftestSource, "programs": kr.Selftests, "cross_check": kr.CrossCheck,
	})
}

// textSelftests is the cross-check section of the terminal report: per
// kernel the selftests' own counts, then every disagreement with the specs
// on each side. Not-run citations and the full table are in selftests.txt.
func textSelftests(b *strings.Builder, m *judge.Matrix) {
	var lines []string
	for _, kr := range m.Kernels {
		if kr.Kernel.Spec.Kind == kernels.KindHost {
			continue
		}
		if len(kr.Selftests) == 0 {
			if kr.SelftestNote != "" {
				lines = append(lines, fmt.Sprintf("  %s: not run: %s", kr.Kernel.Name, kr.SelftestNote))
			}
			continue
		}
		c := judge.SelftestCounts(kr)
		dis := selftests.Disagreements(kr.CrossCheck)
		explained := selftests.WithStatus(kr.CrossCheck, selftests.Explained)
		lines = append(lines, fmt.Sprintf("  %s: %s: %d pass, %d fail, %d skip; %d unexplained disagreements with our specs, %d explained",
			kr.Kernel.Name, kr.SelftestSource, c[selftests.Pass]+c[selftests.XPass], c[selftests.Fail], c[selftests.Skip]+c[selftests.XFail], len(dis), len(explained)))
		for _, d := range append(dis, explained...) {
			lines = append(lines, fmt.Sprintf("      %s selftest %s %s", d.Status, d.Selftest, d.Case))
			for _, s := range d.Specs {
				lines = append(lines, fmt.Sprintf("               ours %-5s %s", s.Verdict, format.Truncate(s.Text, 100)))
			}
			if d.Explanation != "" {
				lines = append(lines, "               why: "+format.Truncate(d.Explanation, 300))
			}
		}
	}
	if len(lines) > 0 {
		b.WriteString("\nthe kernel's own pidfd selftests (cross-check; details in <kernel>/selftests.txt):\n" + strings.Join(lines, "\n") + "\n")
	}
}
