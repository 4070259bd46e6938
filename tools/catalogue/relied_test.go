package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/mirrors"
)

func TestParseReliedOnBy(t *testing.T) {
	good := map[string][]string{
		"":        nil,
		"systemd": {"systemd"},
		"glibc pidfd_spawn/posix_spawn; systemd (unit spawning)": {"glibc pidfd_spawn/posix_spawn", "systemd (unit spawning)"},
		"crun (seccomp notify; fd injection); LXD":               {"crun (seccomp notify; fd injection)", "LXD"},
	}
	for line, want := range good {
		got, err := parseReliedOnBy(line)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %q, %v; want %q", line, got, err, want)
		}
	}
	for _, line := range []string{
		"none",
		"systemd;glibc",
		"systemd; ",
		"systemd;; glibc",
		"systemd (unit spawning",
		"systemd unit spawning)",
		"(unit spawning)",
		" systemd",
	} {
		if got, err := parseReliedOnBy(line); err == nil {
			t.Errorf("%q parsed as %q", line, got)
		}
	}
}

func TestReliedOnByInBlockAndCatalogue(t *testing.T) {
	src := `var _ = Describe("x", func() {
	// Behavior: the parent resumes after the child's exec.
	// Mirrors:  none
	// Since:    v5.3
	// Relied on by: glibc pidfd_spawn/posix_spawn; systemd (unit spawning)
	It("resumes", func() {})

	// Behavior: plain.
	// Mirrors:  none
	// Since:    v5.3
	It("plain", func() {})
})`
	lines := strings.Split(src, "\n")
	at := func(substr string) int {
		for i, l := range lines {
			if strings.Contains(l, substr) {
				return i + 1
			}
		}
		t.Fatalf("no line with %q", substr)
		return 0
	}
	var entries []Entry
	for _, it := range []string{`It("resumes"`, `It("plain"`} {
		meta := metadataAbove(lines, at(it))
		refs, err := mirrors.Parse(meta.values["Mirrors"])
		if err != nil {
			t.Fatalf("%s: %v", it, err)
		}
		users, err := parseReliedOnBy(meta.values[reliedOnBy])
		if err != nil {
			t.Fatalf("%s: %v", it, err)
		}
		entries = append(entries, Entry{Suite: "s", ID: it, Behavior: meta.values["Behavior"], Mirrors: meta.values["Mirrors"], Refs: refs, Since: meta.values["Since"], ReliedOnBy: users})
	}
	if want := []string{"glibc pidfd_spawn/posix_spawn", "systemd (unit spawning)"}; !reflect.DeepEqual(entries[0].ReliedOnBy, want) {
		t.Errorf("resumes: relied on by %q, want %q", entries[0].ReliedOnBy, want)
	}
	if entries[1].ReliedOnBy != nil {
		t.Errorf("plain borrowed %q", entries[1].ReliedOnBy)
	}
	files, err := render(entries)
	if err != nil {
		t.Fatal(err)
	}
	var back []map[string]any
	if err := json.Unmarshal(files["catalogue.json"], &back); err != nil {
		t.Fatal(err)
	}
	if _, ok := back[0]["relied_on_by"]; !ok {
		t.Error("catalogue.json lacks relied_on_by where the spec names its users")
	}
	if _, ok := back[1]["relied_on_by"]; ok {
		t.Error("catalogue.json has relied_on_by for a spec that names no users")
	}
	md := string(files["catalogue.md"])
	if !strings.Contains(md, "the parent resumes after the child's exec.<br>*Relied on by:* glibc pidfd_spawn/posix_spawn; systemd (unit spawning) |") {
		t.Errorf("catalogue.md does not show the users in the behaviour cell:\n%s", md)
	}
	if strings.Count(md, "<br>*Relied on by:*") != 1 {
		t.Errorf("catalogue.md shows Relied on by for a spec without users:\n%s", md)
	}
}

func TestReliedOnByIsLinted(t *testing.T) {
	lines := []string{
		"\t// Behavior: pidfd_open(2) opens a pidfd.",
		"\t// Mirrors:  none",
		"\t// Since:    v5.3",
		"\t// Relied on by: systemd (see issue 12)",
		`\tIt("opens", func() {})`,
	}
	b := metadataAbove(lines, len(lines))
	problems := blockProblems(b, "x_test.go:5 opens", "x_test.go", lines, "opens a pidfd", nil)
	if len(problems) == 0 || !strings.Contains(strings.Join(problems, "\n"), "issue number") {
		t.Errorf("a Relied on by line citing an issue number passed the lint: %q", problems)
	}
}
