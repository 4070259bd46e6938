package vm

import (
	"context"
	"testing"
)

func TestSELinuxImageFilesOnlyWhenAsked(t *testing.T) {
	ks := []*Kernel{{BzImage: "/k", BootArgs: "lsm=landlock"}, {BzImage: "", BootArgs: "selinux=1"}}
	files, err := SELinuxImageFiles(context.Background(), t.Logf, t.TempDir(), ks, "")
	if err != nil || files != nil {
		t.Fatalf("no SELinux kernel: %v %v", files, err)
	}
}
