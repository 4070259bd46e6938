package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/vm/suiterun"
)

// Measurement is one program's run.
type Measurement struct {
	Kind     string        `json:"kind"` // "selftest" or "suite"
	Name     string        `json:"name"`
	Wall     time.Duration `json:"wall_ns"`
	MaxRSSKB int64         `json:"max_rss_kb"`
	Pass     int           `json:"pass"`
	Fail     int           `json:"fail"`
	Skip     int           `json:"skip"`
	Error    string        `json:"error,omitempty"`
}

const runTimeout = 5 * time.Minute

// timed runs cmd with its output in logPath and measures it.
func timed(cmd *exec.Cmd, logPath string) (time.Duration, int64, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return 0, 0, err
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	var rss int64
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = int64(ru.Maxrss)
		}
	}
	return wall, rss, err
}

var tapTotals = regexp.MustCompile(`# Totals: pass:(\d+) fail:(\d+) xfail:\d+ xpass:\d+ skip:(\d+) error:(\d+)`)

func runSelftest(path, out string) Measurement {
	name := filepath.Base(path)
	r := Measurement{Kind: "selftest", Name: name}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Dir = filepath.Dir(path)
	logPath := filepath.Join(out, name+".tap")
	wall, rss, err := timed(cmd, logPath)
	r.Wall, r.MaxRSSKB = wall, rss
	data, _ := os.ReadFile(logPath)
	if m := tapTotals.FindSubmatch(data); m != nil {
		r.Pass, _ = strconv.Atoi(string(m[1]))
		r.Fail, _ = strconv.Atoi(string(m[2]))
		r.Skip, _ = strconv.Atoi(string(m[3]))
		errs, _ := strconv.Atoi(string(m[4]))
		r.Fail += errs
	}
	if err != nil && r.Fail == 0 {
		r.Error = fmt.Sprintf("%v (see %s)", err, logPath)
	}
	return r
}

// buildSuites compiles every suite once so that runs time the specs, not
// the compiler.
func buildSuites(out string) ([]string, error) {
	dirs, _ := filepath.Glob("suites/*/*_suite_test.go")
	var bins []string
	for _, f := range dirs {
		area := filepath.Base(filepath.Dir(f))
		bin, _ := filepath.Abs(filepath.Join(out, area+".test"))
		cmd := exec.Command("go", "test", "-c", "-o", bin, "./suites/"+area)
		if o, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("building suite %s: %v\n%s", area, err, o)
		}
		bins = append(bins, bin)
	}
	if len(bins) == 0 {
		return nil, fmt.Errorf("no suites found: run bench from the repository root")
	}
	return bins, nil
}

// runSuites runs the suites jobs at a time, as `make suites` does, the
// longest first as the VM guest starts them: the serial lock
// (helpers/serial.go) keeps a spec that changes the machine apart from the
// other suites' specs. The last measurement is the whole run's wall time,
// which is what the kernel's selftests are compared with.
func runSuites(bins []string, out string, jobs int) []Measurement {
	results := make([]Measurement, len(bins))
	slots := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	start := time.Now()
	for _, i := range longestFirst(bins) {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			results[i] = runSuite(bins[i], out)
			<-slots
		}()
	}
	wg.Wait()
	all := Measurement{Kind: "suites", Name: fmt.Sprintf("all, %d at once", jobs), Wall: time.Since(start)}
	for _, r := range results {
		all.Pass, all.Fail, all.Skip = all.Pass+r.Pass, all.Fail+r.Fail, all.Skip+r.Skip
		all.MaxRSSKB = max(all.MaxRSSKB, r.MaxRSSKB)
	}
	return append(results, all)
}

// longestFirst is the indices of bins in suiterun.LongestFirst's order of
// their areas.
func longestFirst(bins []string) []int {
	index := map[string]int{}
	var areas []string
	for i, bin := range bins {
		area := areaOf(bin)
		index[area] = i
		areas = append(areas, area)
	}
	var order []int
	for _, area := range suiterun.LongestFirst(areas) {
		order = append(order, index[area])
	}
	return order
}

// areaOf is the area of a suite binary, <out>/<area>.test.
func areaOf(bin string) string { return strings.TrimSuffix(filepath.Base(bin), ".test") }

func runSuite(bin, out string) Measurement {
	area := areaOf(bin)
	r := Measurement{Kind: "suite", Name: area}
	report, _ := filepath.Abs(filepath.Join(out, area+".json"))
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-ginkgo.json-report="+report, "-ginkgo.no-color")
	cmd.Dir = filepath.Join("suites", area)
	wall, rss, err := timed(cmd, filepath.Join(out, area+".log"))
	r.Wall, r.MaxRSSKB = wall, rss
	var reports []types.Report
	if data, rerr := os.ReadFile(report); rerr == nil && json.Unmarshal(data, &reports) == nil {
		for _, rep := range reports {
			for _, s := range rep.SpecReports {
				switch {
				case s.LeafNodeType != types.NodeTypeIt:
				case s.State.Is(types.SpecStatePassed):
					r.Pass++
				case s.State.Is(types.SpecStateSkipped):
					r.Skip++
				default:
					r.Fail++
				}
			}
		}
	}
	if err != nil && r.Fail == 0 {
		r.Error = fmt.Sprintf("%v (see %s)", err, filepath.Join(out, area+".log"))
	}
	return r
}
