package kernel

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

func TestReadConfigPlainAndGzipped(t *testing.T) {
	const text = "CONFIG_COREDUMP=y\n# CONFIG_FHANDLE is not set\nCONFIG_LOCALVERSION=\"-cloud\"\n"
	dir := t.TempDir()
	plain := filepath.Join(dir, "config")
	if err := os.WriteFile(plain, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write([]byte(text))
	w.Close()
	gz := filepath.Join(dir, "config.gz")
	if err := os.WriteFile(gz, z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{plain, gz} {
		c, err := readConfig(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if c["CONFIG_COREDUMP"] != "y" || c["CONFIG_FHANDLE"] != "n" || c["CONFIG_LOCALVERSION"] != "-cloud" {
			t.Errorf("%s: %v", p, c)
		}
	}
	if _, err := readConfig(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing config file read without error")
	}
}
