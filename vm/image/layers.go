package image

import (
	"io"
	"os"
	"strings"

	"github.com/u-root/u-root/pkg/cpio"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// Layer is a part of one kernel's initramfs that the arch's shared image
// lacks (its version's selftests, its config): a second newc archive
// appended to the image, which the kernel unpacks after the first.
type Layer struct {
	Name  string                 // for the file name and messages
	Key   string                 // what the files are, for the cache key
	Files func() ([]File, error) // the files, read only when the layered image is not cached
}

// ConfigLayer is a kernel's config at frame.KernelConfigPath, keyed by its content.
func ConfigLayer(config string) (Layer, error) {
	sum, err := cache.HashFile(config)
	if err != nil {
		return Layer{}, err
	}
	return Layer{Name: "config", Key: sum, Files: func() ([]File, error) {
		return []File{{Name: frame.KernelConfigPath, Src: config}}, nil
	}}, nil
}

// WithLayers is base followed by the layers, each its own archive, cached
// next to base under a key over base and the layers; base alone when there
// are none.
func WithLayers(c cache.Cache, base *Image, layers ...Layer) (*Image, error) {
	if len(layers) == 0 {
		return base, nil
	}
	keys, names := []string{base.SHA256}, []string{}
	for _, l := range layers {
		keys, names = append(keys, l.Name, l.Key), append(names, l.Name)
	}
	path := strings.TrimSuffix(base.Path, ".cpio") + "-" + strings.Join(names, "-") + "-" + cache.HashStrings(keys...)[:16] + ".cpio"
	if _, err := os.Stat(path); err != nil {
		if err := buildLayered(path, base, layers); err != nil {
			return nil, err
		}
	}
	// Size is the layered archive's: a VM's memory follows it, and the
	// unpacked layers (a kselftest install) must fit.
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	layered := *base
	layered.Path, layered.Size = path, st.Size()
	return &layered, nil
}

// buildLayered writes path: base's archive followed by one per layer.
func buildLayered(path string, base *Image, layers []Layer) error {
	parts := []string{base.Path}
	for i, l := range layers {
		part := path + "." + l.Name
		defer os.Remove(part)
		if err := writeLayer(part, l, i); err != nil {
			return err
		}
		parts = append(parts, part)
	}
	return concatFiles(path, parts...)
}

// writeLayer writes one layer's archive; its inode numbers stay apart from
// the base archive's and the other layers'.
func writeLayer(path string, l Layer, index int) error {
	files, err := l.Files()
	if err != nil {
		return err
	}
	recs, err := fileRecords(files)
	if err != nil {
		return err
	}
	for i := range recs {
		recs[i].Ino = uint64((index+1)*1_000_000 + i)
		recs[i].NLink = 1
	}
	cpio.MakeAllReproducible(recs)
	_, _, err = writeCPIO(path, recs)
	return err
}

// concatFiles writes the inputs one after the other to dst, atomically.
func concatFiles(dst string, inputs ...string) error {
	tmp := dst + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // a no-op after the rename
	for _, in := range inputs {
		if err := appendFile(out, in); err != nil {
			out.Close()
			return err
		}
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

func appendFile(out io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(out, f)
	return err
}
