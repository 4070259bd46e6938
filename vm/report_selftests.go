package vm

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/selftests"
)

// writeSelftestReports writes <kernel>/selftests.txt (the cross-check,
// disagreements first) and selftests.json (every program's parsed output
// and the cross-check rows) when the kernel's selftests ran.
func writeSelftestReports(kr *KernelRun) error {
	if len(kr.Selftests) == 0 {
		return nil
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", kr.SelftestSource)
	selftests.WriteReport(&b, kr.Kernel.Name, kr.CrossCheck)
	if err := os.WriteFile(filepath.Join(kr.Dir, "selftests.txt"), b.Bytes(), 0o644); err != nil {
		return err
	}
	return writeJSON(filepath.Join(kr.Dir, "selftests.json"), map[string]any{
		"source": kr.SelftestSource, "programs": kr.Selftests, "cross_check": kr.CrossCheck,
	})
}

// textSelftests is the cross-check section of the terminal report: per
// kernel the selftests' own counts, then every disagreement with the specs
// on each side. Not-run citations and the full table are in selftests.txt.
func textSelftests(b *strings.Builder, m *Matrix) {
	var lines []string
	for _, kr := range m.Kernels {
		if kr.Kernel.Spec.Kind == KindHost {
			continue
		}
		if len(kr.Selftests) == 0 {
			if kr.SelftestNote != "" {
				lines = append(lines, fmt.Sprintf("  %s: not run: %s", kr.Kernel.Name, kr.SelftestNote))
			}
			continue
		}
		c := selftestCounts(kr)
		dis := selftests.Disagreements(kr.CrossCheck)
		explained := selftests.WithStatus(kr.CrossCheck, selftests.Explained)
		lines = append(lines, fmt.Sprintf("  %s: %s: %d pass, %d fail, %d skip; %d unexplained disagreements with our specs, %d explained",
			kr.Kernel.Name, kr.SelftestSource, c[selftests.Pass]+c[selftests.XPass], c[selftests.Fail], c[selftests.Skip]+c[selftests.XFail], len(dis), len(explained)))
		for _, d := range append(dis, explained...) {
			lines = append(lines, fmt.Sprintf("      %s selftest %s %s", d.Status, d.Selftest, d.Case))
			for _, s := range d.Specs {
				lines = append(lines, fmt.Sprintf("               ours %-5s %s", s.Verdict, truncate(s.Text, 100)))
			}
			if d.Explanation != "" {
				lines = append(lines, "               why: "+truncate(d.Explanation, 300))
			}
		}
	}
	if len(lines) > 0 {
		b.WriteString("\nthe kernel's own pidfd selftests (cross-check; details in <kernel>/selftests.txt):\n" + strings.Join(lines, "\n") + "\n")
	}
}
