package vm

import (
	"slices"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

func TestArm64KernelsGetArm64Builds(t *testing.T) {
	ks := []*kernels.Kernel{
		{Spec: kernels.KernelSpec{Kind: kernels.KindApt}, Arch: "arm64"},
		{Spec: kernels.KernelSpec{Kind: kernels.KindApt}, Arch: "386", KernelArch: "amd64"},
	}
	got := sortedArches(vmArches(ks), false)
	if !slices.Equal(got, []string{"386", "arm64"}) {
		t.Errorf("arches built for an arm64 and a compat column: %v, want [386 arm64]", got)
	}
}
