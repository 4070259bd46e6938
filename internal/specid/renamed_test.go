package specid

import (
	"reflect"
	"strings"
	"testing"
)

func TestTheCheckedInRenameTableParses(t *testing.T) {
	table, err := Renames()
	if err != nil {
		t.Fatal(err)
	}
	if len(table) == 0 {
		t.Fatal("renamed.txt holds no renames")
	}
	if got := FormerIDs("open", "opens_a_zombie"); !reflect.DeepEqual(got, []string{"opens_it"}) {
		t.Errorf("FormerIDs(open, opens_a_zombie) = %q", got)
	}
}

func TestFormerIDsFollowsRenamesOfRenames(t *testing.T) {
	saved := renames
	defer func() { renames = saved }()
	var err error
	renames, err = ParseRenames(`
# comment
open opens_it opens_a_zombie
open opens_a_zombie zombie_is_opened

signal opens_it signal_opens
open merged_a merged
open merged_b merged
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		suite, id string
		want      []string
	}{
		{"open", "zombie_is_opened", []string{"opens_a_zombie", "opens_it"}},
		{"open", "opens_a_zombie", []string{"opens_it"}},
		{"signal", "signal_opens", []string{"opens_it"}},
		{"signal", "zombie_is_opened", nil}, // renames are per suite
		{"open", "never_renamed", nil},
		{"open", "merged", []string{"merged_b", "merged_a"}}, // the latest line first
	} {
		if got := FormerIDs(c.suite, c.id); !reflect.DeepEqual(got, c.want) {
			t.Errorf("FormerIDs(%s, %s) = %q, want %q", c.suite, c.id, got, c.want)
		}
	}
}

func TestParseRenamesRejectsWhatWouldMisleadABaseline(t *testing.T) {
	for text, want := range map[string]string{
		"open opens_it":                      `want "<suite> <old id> <new id>"`,
		"open opens_it opens_a_zombie extra": `want "<suite> <old id> <new id>"`,
		"pidfd_open opens_it opens_a_zombie": "is not a suite's short name",
		"open Opens-It opens_a_zombie":       "is not words",
		"open opens_it opens_it":             "renamed to itself",
		"open opens_it a\nopen opens_it b":   "was already renamed on line 1",
		"open a b\nopen b c\nopen c a":       "closes a cycle",
		"open a b\nopen b a":                 "closes a cycle",
	} {
		_, err := ParseRenames(text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseRenames(%q) = %v, want an error with %q", text, err, want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), RenamesFile+":") {
			t.Errorf("ParseRenames(%q): %v does not start with the file:line", text, err)
		}
	}
}
