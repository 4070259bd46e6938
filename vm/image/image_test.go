package image

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/u-root/u-root/pkg/cpio"
)

func TestImageIsReproducibleAndComplete(t *testing.T) {
	dir := t.TempDir()
	initBin := filepath.Join(dir, "init")
	suite := filepath.Join(dir, "open.test")
	os.WriteFile(initBin, []byte("init binary"), 0o755)
	os.WriteFile(suite, []byte("suite binary"), 0o755)
	a, err := Write(filepath.Join(dir, "a.cpio"), "amd64", initBin, []string{suite})
	if err != nil {
		t.Fatal(err)
	}
	// Same contents, new mtimes: same bytes.
	later := time.Now().Add(time.Hour)
	os.Chtimes(initBin, later, later)
	b, err := Write(filepath.Join(dir, "b.cpio"), "amd64", initBin, []string{suite})
	if err != nil {
		t.Fatal(err)
	}
	ab, _ := os.ReadFile(a.Path)
	bb, _ := os.ReadFile(b.Path)
	if !bytes.Equal(ab, bb) || a.SHA256 != b.SHA256 {
		t.Fatal("same inputs gave different images")
	}
	recs, err := cpio.ReadAllRecords(cpio.Newc.Reader(bytes.NewReader(ab)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]cpio.Record{}
	for _, r := range recs {
		names[r.Name] = r
	}
	con, ok := names["dev/console"]
	if !ok || con.Rmajor != 5 || con.Rminor != 1 {
		t.Errorf("dev/console: %+v", con.Info)
	}
	for _, n := range []string{"init", "suites/open.test", "proc", "sys", "tmp"} {
		r, ok := names[n]
		if !ok {
			t.Errorf("missing %s", n)
			continue
		}
		if r.MTime != 0 {
			t.Errorf("%s has mtime %d", n, r.MTime)
		}
	}
	if len(a.Suites) != 1 || a.Suites[0] != "open" {
		t.Errorf("suites: %v", a.Suites)
	}
}
