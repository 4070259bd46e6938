package boot

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// scriptSuite writes a shell script named <area>.test standing in for a
// suite binary.
func scriptSuite(t *testing.T, dir, area, body string) string {
	t.Helper()
	bin := filepath.Join(dir, area+".test")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

// The host column streams what a guest would: the environment, a run
// record per suite, a report where the suite wrote one, and the exit.
func TestNativeRunStreamsReportsAndRuns(t *testing.T) {
	bins := t.TempDir()
	report := filepath.Join(bins, "report.json")
	if err := os.WriteFile(report, []byte(`[{"SuiteDescription":"open"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	roleEnv := []string{"PIDFDCONF_ROLE_BINARY=/built/pidfdconf-role", "PIDFDCONF_ROLE_C_BINARY=/built/pidfdconf-role-c"}
	s, err := Native{Dir: dir, RoleEnv: roleEnv, Suites: []string{
		// The suites start their helpers from the role binaries the run built.
		scriptSuite(t, bins, "open", `test "$PIDFDCONF_ROLE_BINARY" = /built/pidfdconf-role || exit 9; `+
			`test "$PIDFDCONF_ROLE_C_BINARY" = /built/pidfdconf-role-c || exit 9; cp `+report+" report.json; echo ran open"),
		scriptSuite(t, bins, "poll", "exit 2"),
	}}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !s.Complete() {
		t.Fatalf("stream problems %v", s.Problems)
	}
	var info frame.GuestInfo
	if data, ok := s.Get(frame.InfoName); !ok || json.Unmarshal(data, &info) != nil || strings.Join(info.Suites, ",") != "open,poll" {
		t.Errorf("info frame: %+v", info)
	}
	if data, ok := s.Get("open/" + frame.ReportFile); !ok || !strings.Contains(string(data), `"open"`) {
		t.Errorf("open's report: %q", data)
	}
	if _, ok := s.Get("poll/" + frame.ReportFile); ok {
		t.Errorf("poll wrote no report, yet the stream has one")
	}
	var run frame.SuiteRun
	if data, ok := s.Get("poll/" + frame.RunFile); !ok || json.Unmarshal(data, &run) != nil || run.Exit != 2 {
		t.Errorf("poll's run record: %+v", run)
	}
	if con, _ := os.ReadFile(filepath.Join(dir, "console.log")); !strings.Contains(string(con), "ran open") {
		t.Errorf("console.log: %q", con)
	}
	if _, err := os.Stat(filepath.Join(dir, "suites", "open", "report.json")); err != nil {
		t.Errorf("the report belongs in the kernel's suite directory: %v", err)
	}
}
