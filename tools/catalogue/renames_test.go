package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAnUnrecordedRenameIsRefusedWithTheLineToAdd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalogue.json")
	before := []Entry{
		{Suite: "pidfd open", ID: "opens_it", Spec: "pidfd_open(2) when the process is a zombie opens it"},
		{Suite: "pidfd open", ID: "zombie_fails", Spec: "pidfd_open(2) zombie fails"},
		{Suite: "pidfd open", ID: "kept", Spec: "pidfd_open(2) kept"},
	}
	data, _ := json.Marshal(before)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	now := []Entry{
		// Recorded in the checked-in renamed.txt: FormerIDs fills it in.
		{Suite: "pidfd open", ID: "opens_a_zombie", FormerIDs: []string{"opens_it"}, Spec: "pidfd_open(2) when the process is a zombie opens it"},
		{Suite: "pidfd open", ID: "zombie_open_fails", Spec: "pidfd_open(2) zombie fails", File: "suites/open/x_test.go", Line: 7},
		{Suite: "pidfd open", ID: "kept", Spec: "pidfd_open(2) kept"},
		{Suite: "pidfd open", ID: "new_spec", Spec: "pidfd_open(2) new spec"},
	}
	err := unrecordedRenames(path, now)
	if err == nil {
		t.Fatal("an unrecorded rename passed")
	}
	want := `suites/open/x_test.go:7: the spec "pidfd_open(2) zombie fails" was "zombie_fails" in ` + path +
		` and is "zombie_open_fails" now; add the line "open zombie_fails zombie_open_fails" to internal/specid/renamed.txt`
	if !strings.Contains(err.Error(), want) || strings.Count(err.Error(), "add the line") != 1 {
		t.Errorf("error:\n%v\nwant it to hold only:\n%s", err, want)
	}
	if err := unrecordedRenames(filepath.Join(t.TempDir(), "none.json"), now); err != nil {
		t.Errorf("a first catalogue: %v", err)
	}
}
