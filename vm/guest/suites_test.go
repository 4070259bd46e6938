package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/suiterun"
)

// The suites linked to the program of every suite run in groups of it; a
// suite with a test binary of its own runs alone; a group of one is that
// suite's link, as if there were no groups.
func TestPlanGroupsTheLinkedSuites(t *testing.T) {
	dir := t.TempDir()
	for _, s := range []string{"open", "poll", "signal"} {
		if err := os.Symlink("pidfdconf-suites", filepath.Join(dir, s+".test")); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "own.test"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	got := plan(dir, []string{"open", "own", "poll", "signal"}, 2, kernel.MustParseVersion("6.12"))
	want := []process{
		{name: "own", bin: filepath.Join(dir, "own.test"), suites: []string{"own"}},
		{name: "open+poll", bin: filepath.Join(dir, "pidfdconf-suites"), suites: []string{"open", "poll"}},
		{name: "signal", bin: filepath.Join(dir, "signal.test"), suites: []string{"signal"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan:\n%+v\nwant\n%+v", got, want)
	}
	if order := longestFirst(got); order[0].name != "open+poll" || order[1].name != "signal" || order[2].name != "own" {
		t.Errorf("longest first: %+v", order)
	}
}

// Each suite of a group gets the group's ending and times, named as the
// process, and its own report only.
func TestRecordOfAGroupedSuite(t *testing.T) {
	p := process{name: "open+poll", suites: []string{"open", "poll"}}
	rec := recordOf(p, "poll", suiterunRecord("open+poll", map[string][]byte{"open": []byte("o"), "poll": []byte("p")}))
	if rec.Run.Suite != "poll" || rec.Run.Process != "open+poll" || rec.Run.Exit != 1 || len(rec.Reports) != 1 || string(rec.Reports["poll"]) != "p" {
		t.Errorf("%+v", rec)
	}
	alone := recordOf(process{name: "open", suites: []string{"open"}}, "open", suiterunRecord("open", map[string][]byte{"open": []byte("o")}))
	if alone.Run.Process != "" || string(alone.Reports["open"]) != "o" {
		t.Errorf("a suite alone: %+v", alone)
	}
}

func suiterunRecord(name string, reports map[string][]byte) suiterun.Record {
	return suiterun.Record{Run: frame.SuiteRun{Suite: name, Exit: 1, Seconds: 3}, Reports: reports}
}
