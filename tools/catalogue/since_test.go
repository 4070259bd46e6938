package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sinceRegistry = `package kernel

var (
	Old = newFeature("old", "5.3", nil)
	Mid = newFeature("mid", "6.9", nil)
	New = newFeature("new", "7.1", nil, OptX)
)
`

const sinceHelpers = `package helpers

func RequireFeature(fs ...*kernel.Feature) {}
func RequireSince(v, what string)          {}
func NewThing()                            { RequireFeature(kernel.New) }
`

// Each spec says in its text whether the check must flag it.
const sinceSuite = `package x_test

var _ = Describe("x", func() {
	It("flag: no gate at all", func() {})

	It("flag: its own gate is too old", func() { helpers.RequireFeature(kernel.Old) })

	It("ok: at the floor", func() {})

	It("ok: its own gate", func() { helpers.RequireFeature(kernel.Old, kernel.New) })

	It("ok: a helper's gate", func() { helpers.NewThing() })

	Context("c", func() {
		BeforeEach(func() { helpers.RequireFeature(kernel.New) })

		It("ok: the container's gate", func() {})
	})

	Context("d", func() {
		gate := func() { helpers.RequireSince("7.1", "it") }

		It("ok: a closure's RequireSince", func() { gate() })
	})

	DescribeTable("t", func(int) { helpers.RequireFeature(kernel.Mid) },
		Entry("ok: the table body's gate", 1),
	)

	DescribeTable("u", func(int) {},
		Entry("flag: an ungated table", 1),
	)

	DescribeTable("w", func(route func()) { route() },
		Entry("ok: its function argument's gate", func() { helpers.RequireFeature(kernel.New) }),
		Entry("flag: a function argument gated too old", func() { helpers.RequireFeature(kernel.Old) }),
	)

	DescribeTable("v", func(int) { requireMid() }, entries())

	It("ok: its Requires label", helpers.Requires(kernel.New), func() {})

	It("flag: its Requires label is too old", helpers.Requires(kernel.Old), func() {})

	Context("e", helpers.RequiresSince("7.1", "it"), func() {
		It("ok: the container's RequiresSince label", func() {})
	})

	part()
})

func requireMid() { helpers.RequireFeature(kernel.Mid) }

func entries() []TableEntry {
	return []TableEntry{Entry("ok: built by a function, gated by the table", 1)}
}

func part() {
	It("flag: declared in a function, called ungated", func() {})
}
`

func TestSinceProblems(t *testing.T) {
	root := t.TempDir()
	for path, text := range map[string]string{
		"internal/kernel/registry.go": sinceRegistry,
		"helpers/helpers.go":          sinceHelpers,
		"suites/x/x_test.go":          sinceSuite,
	} {
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var entries []Entry
	for i, line := range strings.Split(sinceSuite, "\n") {
		for _, marker := range []string{`It("`, `Entry("`} {
			at := strings.Index(line, marker)
			if at < 0 {
				continue
			}
			text := strings.SplitN(line[at+len(marker):], `"`, 2)[0]
			since := "v7.1"
			if strings.Contains(text, "floor") {
				since = "v5.1 (the floor)"
			}
			if strings.Contains(text, "table") {
				since = "v6.9"
			}
			entries = append(entries, Entry{File: "suites/x/x_test.go", Line: i + 1, Spec: text, Since: since})
		}
	}
	if len(entries) != 16 {
		t.Fatalf("found %d specs in the test suite, want 16", len(entries))
	}
	problems, err := sinceProblems(root, entries)
	if err != nil {
		t.Fatal(err)
	}
	flagged := strings.Join(problems, "\n")
	for _, e := range entries {
		want := strings.HasPrefix(e.Spec, "flag:")
		if got := strings.Contains(flagged, e.Spec+":"); got != want {
			t.Errorf("%q flagged = %v, want %v (problems:\n%s)", e.Spec, got, want, flagged)
		}
	}
	if !strings.Contains(flagged, "its newest gate is v5.3") {
		t.Errorf("the too-old gate is not named:\n%s", flagged)
	}
}

func TestLeadingVersion(t *testing.T) {
	for since, want := range map[string]string{"v6.9 (and stable backports)": "6.9.0", "v5.3": "5.3.0", "v6.18.14": "6.18.14"} {
		if v, ok := leadingVersion(since); !ok || v.String() != want {
			t.Errorf("leadingVersion(%q) = %v %v, want %s", since, v, ok, want)
		}
	}
	if _, ok := leadingVersion("6.9"); ok {
		t.Error("a Since without the v must not parse")
	}
}
