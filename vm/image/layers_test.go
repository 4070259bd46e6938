package image

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/cache"
)

// A layered image reports its own size, built or cached: the VM's memory
// follows it, and a big layer sized by the base alone filled the rootfs.
func TestWithLayersSizesTheLayeredImage(t *testing.T) {
	dir := t.TempDir()
	initBin := filepath.Join(dir, "init")
	big := filepath.Join(dir, "big")
	os.WriteFile(initBin, []byte("init binary"), 0o755)
	os.WriteFile(big, make([]byte, 1<<20), 0o644)
	base, err := Write(filepath.Join(dir, "base.cpio"), "amd64", initBin, nil)
	if err != nil {
		t.Fatal(err)
	}
	layer := Layer{Name: "big", Key: "1MiB", Files: func() ([]File, error) { return []File{{Name: "big", Src: big}}, nil }}
	for _, how := range []string{"built", "cached"} {
		img, err := WithLayers(cache.Cache{Dir: dir}, base, layer)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(img.Path)
		if err != nil {
			t.Fatal(err)
		}
		if img.Size != st.Size() || img.Size <= base.Size+1<<20 {
			t.Errorf("%s: Size %d, file %d, base %d", how, img.Size, st.Size(), base.Size)
		}
	}
}
