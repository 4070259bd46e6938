package image

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/frame"
	"github.com/pidfdconf/pidfdconf/vm/setup"
	"github.com/u-root/u-root/pkg/cpio"
)

// Image is one initramfs, shared by every VM of an architecture in a run.
type Image struct {
	Path   string
	Arch   string
	Size   int64
	SHA256 string
	Suites []string // suite names inside
}

// Write writes an uncompressed newc initramfs holding /init and the
// suite binaries. Uncompressed because decompression is slow under TCG and the
// file never leaves the machine. Reproducible: fixed order, inode numbers and
// zero mtimes, so the same inputs give the same bytes.
//
// extra files (the SELinux policy for lsm-selinux) go in after the suites.
func Write(path, arch, initBin string, suiteBins []string, extra ...File) (*Image, error) {
	recs, suites, err := imageRecords(initBin, suiteBins, extra)
	if err != nil {
		return nil, err
	}
	size, sum, err := writeCPIO(path, recs)
	if err != nil {
		return nil, err
	}
	return &Image{Path: path, Arch: arch, Size: size, SHA256: sum, Suites: suites}, nil
}

// imageRecords lists the initramfs in its fixed order: directories, device
// nodes, /init, the suites sorted by name, the extra files. It also returns
// the suite names.
func imageRecords(initBin string, suiteBins []string, extra []File) ([]cpio.Record, []string, error) {
	var recs []cpio.Record
	for _, d := range []string{"dev", "proc", "sys", "tmp", "run", frame.SuitesPath, "bin"} {
		recs = append(recs, cpio.Directory(d, 0o755))
	}
	// Device nodes for the moment before devtmpfs is mounted (and for
	// kernels without it): console, both serial ports, null.
	recs = append(recs,
		cpio.CharDev("dev/console", 0o600, 5, 1),
		cpio.CharDev("dev/null", 0o666, 1, 3),
		cpio.CharDev("dev/ttyS0", 0o600, 4, 64),
		cpio.CharDev("dev/ttyS1", 0o600, 4, 65),
	)
	initData, err := os.ReadFile(initBin)
	if err != nil {
		return nil, nil, err
	}
	recs = append(recs, cpio.StaticRecord(initData, cpio.Info{Name: "init", Mode: cpio.S_IFREG | 0o755}),
		// pidfd_test's exec cases run /bin/sleep; /init is that too.
		cpio.Symlink("bin/sleep", "/init"))

	suiteRecs, suites, err := suiteRecords(suiteBins)
	if err != nil {
		return nil, nil, err
	}
	recs = append(recs, suiteRecs...)
	files, err := fileRecords(extra)
	if err != nil {
		return nil, nil, err
	}
	recs = append(recs, files...)
	for i := range recs {
		recs[i].Ino = uint64(i + 1)
		recs[i].NLink = 1
	}
	cpio.MakeAllReproducible(recs)
	return recs, suites, nil
}

// suiteRecords are the suites' files sorted by name: a suite binary as
// it is, a link to the program of every suite as a link, with that program
// once beside them. It also returns the suite names.
func suiteRecords(suiteBins []string) ([]cpio.Record, []string, error) {
	sorted := append([]string(nil), suiteBins...)
	sort.Slice(sorted, func(i, j int) bool { return filepath.Base(sorted[i]) < filepath.Base(sorted[j]) })
	var recs []cpio.Record
	var suites []string
	programs := map[string]bool{}
	for _, b := range sorted {
		name := filepath.Base(b)
		suites = append(suites, strings.TrimSuffix(name, ".test"))
		target, err := os.Readlink(b)
		if err != nil {
			// Not a link: the suite's own test binary.
			data, err := os.ReadFile(b)
			if err != nil {
				return nil, nil, err
			}
			recs = append(recs, cpio.StaticRecord(data, cpio.Info{Name: frame.SuitesPath + "/" + name, Mode: cpio.S_IFREG | 0o755}))
			continue
		}
		if target != filepath.Base(target) {
			return nil, nil, fmt.Errorf("suite link %s points outside its directory (%s)", b, target)
		}
		recs = append(recs, cpio.Symlink(frame.SuitesPath+"/"+name, target))
		if !programs[target] {
			programs[target] = true
			data, err := os.ReadFile(filepath.Join(filepath.Dir(b), target))
			if err != nil {
				return nil, nil, err
			}
			recs = append(recs, cpio.StaticRecord(data, cpio.Info{Name: frame.SuitesPath + "/" + target, Mode: cpio.S_IFREG | 0o755}))
		}
	}
	return recs, suites, nil
}

// writeCPIO writes recs as a newc archive to path (via a temporary file, so
// path is never half written) and returns its size and sha256.
func writeCPIO(path string, recs []cpio.Record) (int64, string, error) {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return 0, "", err
	}
	defer os.Remove(tmp)
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	w := cpio.Newc.Writer(bw)
	if err := cpio.WriteRecords(w, recs); err != nil {
		f.Close()
		return 0, "", fmt.Errorf("writing initramfs: %w", err)
	}
	if err := cpio.WriteTrailer(w); err != nil {
		f.Close()
		return 0, "", err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return 0, "", err
	}
	st, _ := f.Stat()
	if err := f.Close(); err != nil {
		return 0, "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, "", err
	}
	return st.Size(), hex.EncodeToString(h.Sum(nil)), nil
}

// keepImages is how many initramfs per arch stay in the cache, beyond
// those used within keepImagesFor.
const (
	keepImages    = 3
	keepImagesFor = 12 * time.Hour
)

// WriteCached writes the initramfs into the cache under its content hash
// (initramfs-<arch>-<sha256>.cpio), so runs with unchanged suites reuse the
// same file and out/ does not collect 50 MB per run. Older images beyond
// keepImages are removed.
func WriteCached(c cache.Cache, arch, initBin string, suiteBins []string, extra ...File) (*Image, error) {
	dir := filepath.Join(c.Dir, "initramfs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, setup.Errorf("cannot create %s: %v (set CACHE_DIR to a writable directory)", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*.cpio")
	if err != nil {
		return nil, cache.WriteError(dir, err)
	}
	tmp.Close()
	img, err := Write(tmp.Name(), arch, initBin, suiteBins, extra...)
	if err != nil {
		os.Remove(tmp.Name())
		return nil, cache.WriteError(dir, err)
	}
	final := filepath.Join(dir, fmt.Sprintf("initramfs-%s-%s.cpio", arch, img.SHA256[:16]))
	if err := os.Rename(tmp.Name(), final); err != nil {
		return nil, err
	}
	img.Path = final
	now := time.Now()
	_ = os.Chtimes(final, now, now) // newest first when pruning
	old, _ := filepath.Glob(filepath.Join(dir, "initramfs-"+arch+"-*.cpio"))
	sort.Slice(old, func(i, j int) bool { return modTime(old[i]).After(modTime(old[j])) })
	for i, o := range old {
		// Age as well as rank: a concurrent run (make test beside make
		// matrix) may still boot an image that newer ones outrank.
		if i >= keepImages && now.Sub(modTime(o)) > keepImagesFor {
			os.Remove(o)
		}
	}
	return img, nil
}

func modTime(path string) time.Time {
	st, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	return st.ModTime()
}

// fileRecords are the archive records of files, each file's directory
// before its first file.
func fileRecords(files []File) ([]cpio.Record, error) {
	var recs []cpio.Record
	dirs := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f.Src)
		if err != nil {
			return nil, err
		}
		if d := filepath.Dir(f.Name); d != "." && !dirs[d] {
			dirs[d] = true
			recs = append(recs, cpio.Directory(d, 0o755))
		}
		mode := uint64(0o644)
		if f.Executable {
			mode = 0o755
		}
		recs = append(recs, cpio.StaticRecord(data, cpio.Info{Name: f.Name, Mode: cpio.S_IFREG | mode}))
	}
	return recs, nil
}
