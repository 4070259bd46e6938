package vm

import (
	"context"
	"testing"
)

func TestBootArgsWantSELinux(t *testing.T) {
	for cmdline, want := range map[string]bool{
		"lsm=selinux selinux=1 enforcing=1": true,
		"lsm=landlock,selinux":              true,
		"lsm=landlock,yama":                 false,
		"lsm=selinux selinux=0":             false,
		"":                                  false,
	} {
		if got := bootArgsWantSELinux(cmdline); got != want {
			t.Errorf("bootArgsWantSELinux(%q) = %v", cmdline, got)
		}
	}
}

func TestSELinuxImageFilesOnlyWhenAsked(t *testing.T) {
	ks := []*Kernel{{BzImage: "/k", BootArgs: "lsm=landlock"}, {BzImage: "", BootArgs: "selinux=1"}}
	files, err := SELinuxImageFiles(context.Background(), t.TempDir(), ks, "")
	if err != nil || files != nil {
		t.Fatalf("no SELinux kernel: %v %v", files, err)
	}
}
