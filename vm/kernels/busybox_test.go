package kernels

import (
	"context"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/cache"
)

// A kernel architecture busybox-static is not fetched for is refused
// before apt runs, naming the ones it is.
func TestBusyboxRefusesAnUnknownArch(t *testing.T) {
	r := &Resolver{Cache: cache.Cache{Dir: t.TempDir()}}
	for _, arch := range []string{"386", "riscv64", "", "../amd64"} {
		_, _, err := r.Busybox(context.Background(), arch)
		if err == nil || !strings.Contains(err.Error(), "amd64") || !strings.Contains(err.Error(), "arm64") {
			t.Errorf("Busybox(%q) = %v, want an error naming amd64 and arm64", arch, err)
		}
	}
}
