package kernels

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
)

// The markers around the gzipped .config that a kernel built with
// CONFIG_IKCONFIG=y carries in its image (kernel/configs.c, as
// scripts/extract-ikconfig finds it).
var (
	ikconfigStart = []byte("IKCFG_ST")
	ikconfigEnd   = []byte("IKCFG_ED")
)

// maxConfig bounds an embedded config: a distribution's .config is about
// 300 KB; a kernel under test must not make the host unpack more.
const maxConfig = 16 << 20

// embeddedConfig writes the .config the kernel of bzImage carries to dst.
func embeddedConfig(ctx context.Context, bzImage, dst string) error {
	vmlinux := dst + ".vmlinux"
	defer os.Remove(vmlinux)
	if err := Vmlinux(ctx, bzImage, vmlinux); err != nil {
		return err
	}
	data, err := os.ReadFile(vmlinux)
	if err != nil {
		return err
	}
	start := bytes.Index(data, ikconfigStart)
	if start < 0 {
		return errors.New("the kernel carries no config (CONFIG_IKCONFIG is off or a module)")
	}
	data = data[start+len(ikconfigStart):]
	end := bytes.Index(data, ikconfigEnd)
	if end < 0 {
		return errors.New("the kernel's embedded config has no end marker")
	}
	zr, err := gzip.NewReader(bytes.NewReader(data[:end]))
	if err != nil {
		return err
	}
	config, err := io.ReadAll(io.LimitReader(zr, maxConfig+1))
	if err != nil {
		return err
	}
	if len(config) > maxConfig {
		return errors.New("the kernel's embedded config is larger than any real one")
	}
	return os.WriteFile(dst, config, 0o644)
}
