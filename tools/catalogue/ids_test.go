package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/specid"
)

func spec(text string, labels ...string) types.SpecReport {
	return types.SpecReport{LeafNodeText: text, LeafNodeLabels: labels}
}

func TestIDCheckerAcceptsOneMeaningfulIDPerSpec(t *testing.T) {
	c := newIDChecker()
	c.check("open", "a_test.go:1 opens a zombie", spec("opens a zombie", "syscall:pidfd_open", "id:opens_a_zombie"))
	c.check("open", "a_test.go:2 reaped process fails with ESRCH", spec("reaped process fails with ESRCH", "id:reaped_process_fails_with_esrch"))
	c.check("poll", "b_test.go:1 reaped process polls readable", spec("reaped process polls readable", "id:reaped_process_polls_readable"))
	if err := c.err(); err != nil {
		t.Fatal(err)
	}
}

func TestIDCheckerNamesTheSpecAndTheFix(t *testing.T) {
	c := newIDChecker()
	c.check("open", "a_test.go:1 same zombie", spec("same zombie", "id:same_zombie"))
	c.check("open", "a_test.go:9 rejects bit 3", spec("rejects bit 3"))
	c.check("poll", "b_test.go:5 same zombie", spec("same zombie", "id:same_zombie"))
	c.check("open", "a_test.go:7 third", spec("third", "id:Bad-ID"))
	c.check("open", "a_test.go:8 fourth x y", spec("fourth x y", "id:x", "id:y"))
	c.check("open", "a_test.go:10 when the process is a zombie opens it", spec("opens it", "id:opens_it"))
	c.check("open", "a_test.go:11 when reaped fails with ESRCH", spec("fails with ESRCH", "id:fails_with_esrch"))
	c.check("signal", "c_test.go:3 after reuse the reaped pidfd fails", spec("after reuse the reaped pidfd fails", "id:stale_pidfd_fails"))
	err := c.err()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`a_test.go:9 rejects bit 3: no ID; add helpers.ID("rejects_bit_3")`,
		`ID "same_zombie" is used twice: by a_test.go:1 same zombie (open) and by b_test.go:5 same zombie (poll)`,
		`a_test.go:7 third: ID "Bad-ID" is not words`,
		`a_test.go:8 fourth x y: 2 helpers.ID decorators`,
		`a_test.go:10 when the process is a zombie opens it: ID "opens_it" has the pronoun it`,
		`a_test.go:11 when reaped fails with ESRCH: ID "fails_with_esrch" names only an outcome`,
		`c_test.go:3 after reuse the reaped pidfd fails: ID "stale_pidfd_fails" has words its text does not say: stale; rename it`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), `"Bad-ID" has words`) {
		t.Errorf("a malformed ID is also judged by the word rules:\n%v", err)
	}
}

func TestIDCheckerHoldsTheRenameTableAgainstTheSpecs(t *testing.T) {
	table, err := specid.ParseRenames(`open opens_it opens_a_zombie
open first second
open second third
open gone nowhere
clone a b
`)
	if err != nil {
		t.Fatal(err)
	}
	c := newIDChecker()
	c.check("open", "a_test.go:1 opens a zombie", spec("opens a zombie", "id:opens_a_zombie"))
	c.check("open", "a_test.go:2 third zombie", spec("third zombie", "id:third"))
	c.check("open", "a_test.go:3 first zombie", spec("first zombie", "id:first"))
	c.checkRenames(table, nil)
	got := strings.Join(c.problems, "\n")
	for _, want := range []string{
		`internal/specid/renamed.txt:2: open ID "first" was renamed but a_test.go:3 first zombie has it again`,
		`internal/specid/renamed.txt:4: no spec of open has ID "nowhere"`,
		`internal/specid/renamed.txt:5: there is no suite "clone"; name the suite as KTAP does (open)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if len(c.problems) != 3 {
		t.Errorf("want 3 problems (a rename to a spec, or to an ID renamed again, is fine):\n%s", got)
	}
	c = newIDChecker()
	c.checkRenames(nil, fmt.Errorf("internal/specid/renamed.txt:3: bad"))
	if len(c.problems) != 1 || c.problems[0] != "internal/specid/renamed.txt:3: bad" {
		t.Errorf("a malformed table: %q", c.problems)
	}
}
