package selftests

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestTargets(t *testing.T) {
	amd, err := TargetFor("amd64")
	if err != nil {
		t.Fatal(err)
	}
	// The host build is what it always was: gcc, lib.mk's own ARCH.
	if amd.gcc() != "gcc" || amd.makeVars() != nil || !slices.Equal(amd.headerVars(), []string{"ARCH=x86"}) {
		t.Errorf("amd64 target: gcc %s, make %q, headers %q", amd.gcc(), amd.makeVars(), amd.headerVars())
	}
	arm, err := TargetFor("arm64")
	if err != nil {
		t.Fatal(err)
	}
	if arm.gcc() != "aarch64-linux-gnu-gcc" {
		t.Errorf("arm64 compiler %s", arm.gcc())
	}
	if !slices.Equal(arm.makeVars(), []string{"ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-"}) || !slices.Equal(arm.headerVars(), []string{"ARCH=arm64"}) {
		t.Errorf("arm64 make variables %q, headers %q", arm.makeVars(), arm.headerVars())
	}
	if !slices.Equal(arm.Packages, []string{"gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross"}) {
		t.Errorf("arm64 packages %q", arm.Packages)
	}
	if !slices.Equal(arm.archParts(), []string{"arch/arm64", "tools/arch/arm64"}) {
		t.Errorf("arm64 tree parts %q", arm.archParts())
	}
	if _, err := TargetFor("386"); err == nil || !strings.Contains(err.Error(), "386") {
		t.Errorf("a 386 target: %v, want an error naming it", err)
	}
}

func TestCacheKeySeparatesTargets(t *testing.T) {
	src := t.TempDir() + "/linux-source.tar.xz"
	if err := os.WriteFile(src, []byte("tarball"), 0o644); err != nil {
		t.Fatal(err)
	}
	amd, _ := TargetFor("amd64")
	arm, _ := TargetFor("arm64")
	a, err := cacheKey(src, "gcc 14", amd)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := cacheKey(src, "gcc 14", arm)
	if a == b {
		t.Error("amd64 and arm64 builds of one source share a cache entry")
	}
}
