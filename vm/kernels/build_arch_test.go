package kernels

import (
	"runtime"
	"testing"
)

func TestArm64Builds(t *testing.T) {
	if MakeArch("arm64") != "arm64" || MakeArch("386") != "i386" || MakeArch("amd64") != "x86_64" {
		t.Errorf("ARCH=: arm64 %s, 386 %s, amd64 %s", MakeArch("arm64"), MakeArch("386"), MakeArch("amd64"))
	}
	if target, path := imageTarget("arm64"); target != "Image" || path != "arch/arm64/boot/Image" {
		t.Errorf("arm64 image: make %s, at %s", target, path)
	}
	if target, path := imageTarget("i386"); target != "bzImage" || path != "arch/x86/boot/bzImage" {
		t.Errorf("i386 image: make %s, at %s", target, path)
	}
	if crossCompile("x86_64") != "" || crossCompile("i386") != "" {
		t.Error("x86 kernels are built with the host's gcc")
	}
	if runtime.GOARCH != "arm64" {
		if crossCompile("arm64") != "aarch64-linux-gnu-" || len(crossTools("arm64")) != 1 || crossTools("arm64")[0] != "gcc-aarch64-linux-gnu" {
			t.Errorf("arm64 on %s: CROSS_COMPILE=%q from %v", runtime.GOARCH, crossCompile("arm64"), crossTools("arm64"))
		}
	}
}
