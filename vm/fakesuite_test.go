package vm

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// fakeSuiteSource is a tiny Ginkgo suite with one spec of every kind the
// results mapping distinguishes (pass, fail, skip).
const fakeSuiteSource = `package fake_test

import (
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFake(t *testing.T) { RegisterFailHandler(Fail); RunSpecs(t, "fake") }

var _ = Describe("fake(2)", func() {
	It("passes", func() { Expect(1).To(Equal(1)) })
	It("skips", func() { Skip("requires nothing (since v0.0)") })
	It("fails when asked", func() {
		Expect(os.Getenv("FAKE_FAIL")).To(BeEmpty(), "FAKE_FAIL is set")
	})
})
`

// buildFakeSuite compiles fakeSuiteSource inside the module (a temporary
// suites-like package under vm/testdata is not used so nothing lands in the
// tree) and returns the binary path.
func buildFakeSuite(t *testing.T, ctx context.Context, out string) string {
	t.Helper()
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	pkgDir, err := os.MkdirTemp(filepath.Join(root, "vm"), ".fake-suite-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(pkgDir)
	if err := os.WriteFile(filepath.Join(pkgDir, "fake_suite_test.go"), []byte(fakeSuiteSource), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(out, "fake.test")
	rel, _ := filepath.Rel(root, pkgDir)
	o, err := runCmd(ctx, root, []string{"CGO_ENABLED=0"}, goCommand(), "test", "-c", "-ldflags=-s -w", "-trimpath", "-o", bin, "./"+rel)
	if err != nil {
		t.Fatalf("building fake suite: %v\n%s", err, o)
	}
	return bin
}
