package image

import (
	"context"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/kernels"
)

func TestSELinuxImageFilesOnlyWhenAsked(t *testing.T) {
	ks := []*kernels.Kernel{{BzImage: "/k", BootArgs: "lsm=landlock"}, {BzImage: "", BootArgs: "selinux=1"}}
	files, err := SELinuxFiles(context.Background(), t.Logf, t.TempDir(), ks, "")
	if err != nil || files != nil {
		t.Fatalf("no SELinux kernel: %v %v", files, err)
	}
}
