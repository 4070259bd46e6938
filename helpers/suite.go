package helpers

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// RunSuite is every suite's Test function: it guards each spec against fd
// and child leaks and runs the specs labelled area:<area>.
func RunSuite(t *testing.T, area string) {
	suiteConfig, reporterConfig := GinkgoConfiguration()
	runArea(t, area, suiteConfig, reporterConfig, func(r types.Report) map[string]types.Report { return map[string]types.Report{"": r} })
}

// runArea runs the specs of one area under the given configuration, its
// reports narrowed to what own keeps (takeOverReports). The
// metadata rules are checked by cmd/pidfdconf-suites' test over every
// area (MetadataProblems), not here: checking here took a preview of the
// whole spec tree per run, ~0.4 s of every suite's start under TCG.
func runArea(t GinkgoTestingT, area string, suiteConfig types.SuiteConfig, reporterConfig types.ReporterConfig, own func(types.Report) map[string]types.Report) {
	RegisterFailHandler(Fail)
	takeOverReports(&reporterConfig, own)
	// Warm up the Go runtime's lazily created fds (netpoller, pidfd probe)
	// so the first spec's leak check does not blame them.
	if r, w, err := os.Pipe(); err == nil {
		r.Close()
		w.Close()
	}
	kernel.PidfdOpen.Probe()
	openSerialLock()
	BeforeEach(beforeEverySpec)
	ReportBeforeSuite(func(r Report) {
		AddReportEntry("kernel", kernel.KernelRelease())
		AddReportEntry(outcome.KernelConfigEntry, kernelConfigNote())
	})
	if kselftest != nil {
		kselftest.register(area)
		suiteConfig, reporterConfig = kselftest.configure(suiteConfig, reporterConfig)
	}
	RunSpecs(t, suiteDescription(area), Label(areaLabel(area)), AroundNode(withSpecDeadline), suiteConfig, reporterConfig)
}

// beforeEverySpec decides the spec's requirement labels, takes the serial
// lock and guards against leaks, in that order, as one node with one
// cleanup: Ginkgo runs every node in a goroutine of its own, with a
// context, a timer and an event in the report, so three nodes and two
// cleanups per spec took 28% more CPU than this does for a spec that does
// nothing (natively; every spec pays it, and under TCG many times over).
// The cleanup runs after all of the spec's own: it fails the spec for a
// leak, then lets the lock go, whether or not the check failed.
func beforeEverySpec(ctx SpecContext) {
	requireLabelled()
	release := holdSerialLock(ctx)
	checkLeaks := guardAgainstLeaks()
	DeferCleanup(func() {
		defer release()
		checkLeaks()
	})
}

// suiteDescription and areaLabel are the description and the label of
// an area's suite (a group's: its areas joined by '+').
func suiteDescription(area string) string { return "pidfd " + area }
func areaLabel(area string) string        { return "area:" + area }

// kernelConfigNote says where the evidence of config options came from,
// or that there was none.
func kernelConfigNote() string {
	if source := kernel.ConfigSource(); source != "" {
		return source
	}
	return kernel.RunningConfig().Missing()
}

// withSpecDeadline bounds every node's context by specTimeout, so
// each wait in helpers (which all poll in slices and check ctx) ends even
// for a spec that declares no SpecTimeout of its own.
func withSpecDeadline(ctx context.Context, body func(context.Context)) {
	ctx, cancel := context.WithTimeout(ctx, specTimeout())
	defer cancel()
	body(ctx)
}

// MetadataProblems is specTreeProblems for the specs of area, as the
// area's run labels them.
func MetadataProblems(area string, specs []types.SpecReport) []string {
	known[areaLabel(area)] = true
	return specTreeProblems(specs)
}

// specTreeProblems checks every It: literal unique text, only labels from
// labels.go, at least one API label and one source label.
func specTreeProblems(specs []types.SpecReport) []string {
	var problems []string
	seen := map[string]bool{}
	for _, s := range specs {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		name := fmt.Sprintf("%s (%s)", s.FullText(), s.LeafNodeLocation)
		if seen[s.FullText()] {
			problems = append(problems, "duplicate spec text: "+name)
		}
		seen[s.FullText()] = true
		labels := s.Labels()
		for _, l := range labels {
			if !known[l] {
				problems = append(problems, fmt.Sprintf("label %q is not defined in helpers/labels.go: %s", l, name))
			}
		}
		if !hasPrefixed(labels, apiPrefixes) {
			problems = append(problems, fmt.Sprintf("no API label (%s…): %s", strings.Join(apiPrefixes, "/"), name))
		}
		if !hasPrefixed(labels, sourcePrefixes) {
			problems = append(problems, fmt.Sprintf("no source label (%s…): %s", strings.Join(sourcePrefixes, "/"), name))
		}
	}
	return problems
}
