package main

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/specreport"
	"github.com/pidfdconf/pidfdconf/vm/image"
)

// Every suite directory is linked in, and only those: a suite left out of
// the imports would run nothing in the VM image.
func TestLinksEverySuite(t *testing.T) {
	root, err := image.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	want, err := image.DiscoverSuites(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for area, specs := range helpers.LinkedAreas() {
		if specs == 0 {
			t.Errorf("suite %s is linked but has no specs", area)
		}
		got = append(got, area)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("linked suites %v, suites/ has %v: add the missing import to main.go", got, want)
	}
	if !slices.Equal(areas, want) {
		t.Errorf("main.go's areas list %v, suites/ has %v: the list names what the imports link", areas, want)
	}
}

// The metadata rules (helpers/labels.go) hold for every spec of every
// suite: the runs no longer check them, this does, once per commit.
func TestSpecMetadataRules(t *testing.T) {
	byArea := map[string][]types.SpecReport{}
	for _, s := range PreviewSpecs("pidfd suites").SpecReports {
		a := area.Of(s.LeafNodeLocation.FileName)
		byArea[a] = append(byArea[a], s)
	}
	for _, a := range areas {
		for _, p := range helpers.MetadataProblems(a, byArea[a]) {
			t.Errorf("suites/%s: %s", a, p)
		}
	}
}

// Called as <area>.test the program runs that suite alone: its report
// holds only the area's specs, every one of them; an area it does not
// have is a usage error. Given a group of areas it runs them in one suite
// and writes each one's report as its own run does, in a directory of its
// own.
func TestRunsTheSuiteItIsCalledAs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program of every suite")
	}
	dir := t.TempDir()
	program := filepath.Join(dir, "pidfdconf-suites")
	if out, err := exec.Command("go", "build", "-o", program, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	link := filepath.Join(dir, "fanotify.test")
	if err := os.Symlink("pidfdconf-suites", link); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.json")
	cmd := exec.Command(link, "-ginkgo.json-report="+report, "-ginkgo.no-color")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fanotify.test: %v\n%s", err, out)
	}
	alone := checkAreaReport(t, report, "fanotify")

	group := filepath.Join(dir, "group")
	cmd = exec.Command(program, "seccomp+fanotify", "-ginkgo.json-report="+filepath.Join(group, "report.json"), "-ginkgo.no-color")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pidfdconf-suites seccomp+fanotify: %v\n%s", err, out)
	}
	checkAreaReport(t, filepath.Join(group, "seccomp", "report.json"), "seccomp")
	if inGroup := checkAreaReport(t, filepath.Join(group, "fanotify", "report.json"), "fanotify"); !slices.Equal(inGroup, alone) {
		t.Errorf("fanotify's specs in a group:\n%q\nalone:\n%q", inGroup, alone)
	}

	for _, bad := range []string{"nosuchsuite", "open+nosuchsuite"} {
		out, err := exec.Command(program, bad).CombinedOutput()
		if code := exitCode(err); code != 2 || !strings.Contains(string(out), `no suite "nosuchsuite"`) {
			t.Errorf("an unknown suite in %s: exit %d, %q; want 2 naming it", bad, code, out)
		}
	}
}

// checkAreaReport checks that the report at path is suite area's own run:
// its description, its label and every one of its specs, none filtered
// out. It returns each spec's text and state, sorted.
func checkAreaReport(t *testing.T, path, area string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || reports[0].SuiteDescription != "pidfd "+area || !slices.Equal(reports[0].SuiteLabels, []string{"area:" + area}) {
		t.Fatalf("%s: want one report of suite pidfd %s labelled area:%s, got %d", path, area, area, len(reports))
	}
	var specs []string
	for _, sr := range reports[0].SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		specs = append(specs, sr.FullText()+": "+sr.State.String())
		if !strings.Contains(sr.LeafNodeLocation.FileName, "/suites/"+area+"/") {
			t.Errorf("%s holds %q from %s", path, sr.FullText(), sr.LeafNodeLocation.FileName)
		}
		if sr.State == types.SpecStateSkipped && sr.Failure.Message == "" {
			t.Errorf("%q was filtered out of its own suite's run", sr.FullText())
		}
	}
	if want := helpers.LinkedAreas()[area]; len(specs) != want || reports[0].PreRunStats.TotalSpecs != want || reports[0].PreRunStats.SpecsThatWillRun != want {
		t.Errorf("%s holds %d specs (counts %+v), the suite has %d", path, len(specs), reports[0].PreRunStats, want)
	}
	slices.Sort(specs)
	return specs
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// A linked run leaves out the specs whose top-level container requires
// what the kernel lacks (helpers' prefilter); every spec must still read
// exactly as in the area's own test binary, which decides each in the
// spec: the same state, reason and skip class. clone has such containers
// on every kernel before CLONE_AUTOREAP.
func TestLinkedRunDecidesAsTheAreasOwnBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program of every suite and clone's test binary")
	}
	dir := t.TempDir()
	program, own := filepath.Join(dir, "pidfdconf-suites"), filepath.Join(dir, "clone-own.test")
	for _, build := range [][]string{{"build", "-o", program, "."}, {"test", "-c", "-o", own, "../../suites/clone"}} {
		if out, err := exec.Command("go", build...).CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(build, " "), err, out)
		}
	}
	run := func(bin, report string, args ...string) []types.SpecReport {
		cmd := exec.Command(bin, append(args, "-ginkgo.json-report="+report, "-ginkgo.no-color")...)
		cmd.Dir = "../../suites/clone"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", bin, err, out)
		}
		data, err := os.ReadFile(report)
		if err != nil {
			t.Fatal(err)
		}
		var reports []types.Report
		if err := json.Unmarshal(data, &reports); err != nil || len(reports) != 1 {
			t.Fatalf("%s: %d reports, %v", report, len(reports), err)
		}
		return reports[0].SpecReports.WithLeafNodeType(types.NodeTypeIt)
	}
	linked := run(program, filepath.Join(dir, "linked.json"), "clone")
	alone := run(own, filepath.Join(dir, "own.json"))
	reading := func(specs []types.SpecReport) map[string]specreport.Reading {
		out := map[string]specreport.Reading{}
		for _, sr := range specs {
			out[sr.FullText()] = specreport.Of(sr)
		}
		return out
	}
	if l, o := reading(linked), reading(alone); !maps.Equal(l, o) {
		for text, r := range o {
			if l[text] != r {
				t.Errorf("%q: linked %+v, alone %+v", text, l[text], r)
			}
		}
		t.Fatalf("%d specs linked, %d alone", len(l), len(o))
	}
	left := 0
	for _, sr := range linked {
		if sr.State == types.SpecStateSkipped && sr.RunTime == 0 {
			left++
		}
	}
	t.Logf("%d of clone's %d specs left out of the linked run before it started", left, len(linked))
}
