package boot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/format"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/image"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Bounds of TestBootRealKernel. Setup (installing QEMU, downloading the
// kernel, building the guest and the fake suite) is ordinary work that a
// loaded host only slows, so its bound is generous. The boot is judged by
// progress: the guest is stuck after bootSilence without a byte on the
// console or the result stream; bootLimit only caps a guest that keeps
// talking forever.
const (
	setupLimit  = 15 * time.Minute
	bootSilence = 2 * time.Minute
	bootLimit   = 10 * time.Minute
)

// withinTestDeadline shortens d to end before `go test -timeout` would kill
// the binary, so the test fails with its own message instead of a panic.
func withinTestDeadline(t *testing.T, d time.Duration) time.Duration {
	if end, ok := t.Deadline(); ok {
		d = min(d, time.Until(end)-10*time.Second)
	}
	return d
}

// TestBootRealKernel boots Debian's 6.1 cloud kernel (from the cache after
// the first run) with a fake suite and checks the whole path: image, QEMU,
// guest, frames.
func TestBootRealKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a VM; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), withinTestDeadline(t, setupLimit))
	defer cancel()
	if err := EnsureQEMU(ctx, t.Logf, "amd64"); err != nil {
		t.Skipf("no QEMU: %v", err)
	}
	root, err := image.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	r := &kernels.Resolver{Cache: cache.Cache{Dir: cache.DefaultDir()}}
	spec, _ := kernels.ParseKernelSpec(kernels.SmokeKernels[0])
	k, err := r.Resolve(ctx, spec)
	if err != nil {
		if !setup.IsRoot() {
			t.Skipf("cannot fetch %s without root: %v", spec.Raw, err)
		}
		t.Fatal(err)
	}
	dir := t.TempDir()
	initBin, err := image.BuildGuest(ctx, root, dir, "amd64", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	suite := buildFakeSuite(t, ctx, dir)
	img, err := image.Write(filepath.Join(dir, "initramfs.cpio"), "amd64", initBin, []string{suite})
	if err != nil {
		t.Fatal(err)
	}
	vm := &VM{Arch: "amd64", Kernel: k.BzImage, Initrd: img.Path, MemoryMB: 512, CPUs: 2, Timeout: withinTestDeadline(t, bootLimit), Silence: bootSilence, Accel: AccelFor(ctx, "amd64"),
		ConsoleLog: filepath.Join(dir, "console.log"), ResultLog: filepath.Join(dir, "results.txt"), Append: "PIDFDCONF_TIME_SCALE=4"}
	res := vm.Run(context.Background())
	t.Logf("%s booted and ran in %s", k.Describe, res.Wall)
	con, _ := os.ReadFile(vm.ConsoleLog)
	if why := vm.EndReason(res); why != "" {
		t.Fatalf("VM: %s\n%s", why, format.Tail(string(con), 30))
	}
	f, _ := os.Open(vm.ResultLog)
	defer f.Close()
	s := frame.Read(f)
	if !s.Complete() {
		t.Fatalf("incomplete stream: %v\n%s", s.Problems, format.Tail(string(con), 30))
	}
	if _, ok := s.Get("fake/report.json"); !ok {
		t.Fatalf("no fake/report.json frame; console:\n%s", format.Tail(string(con), 30))
	}
	if !strings.Contains(string(con), "suite fake: exit 0") {
		t.Errorf("console lacks the suite's exit line:\n%s", format.Tail(string(con), 30))
	}
}

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
	root, err := image.ModuleRoot(".")
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
	o, err := setup.Command(ctx, root, []string{"CGO_ENABLED=0"}, image.GoCommand(), "test", "-c", "-ldflags=-s -w", "-trimpath", "-o", bin, "./"+rel)
	if err != nil {
		t.Fatalf("building fake suite: %v\n%s", err, o)
	}
	return bin
}
