package vm

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// aptListsMaxAge: older package lists get one `apt-get update` per run, so
// "newest" means newest today, not newest when the machine was set up.
const aptListsMaxAge = 7 * 24 * time.Hour

// aptCandidate is one installable version of a linux-image package.
type aptCandidate struct {
	Package, Version, SHA256 string
}

func (r *Resolver) aptUpdate(ctx context.Context) error {
	if r.aptUpdated {
		return nil
	}
	if !isRoot() {
		return setupErrorf("apt package lists are missing or stale: run `sudo apt-get update`")
	}
	r.logf("apt-get update (package lists missing or stale)")
	if out, err := runCmd(ctx, "", nil, "apt-get", "update"); err != nil {
		return setupErrorf("`apt-get update` failed: %s (check the network and /etc/apt/sources.list)", lastLine(out))
	}
	r.aptUpdated = true
	return nil
}

func (r *Resolver) resolveApt(ctx context.Context, s KernelSpec) (*Kernel, error) {
	if _, err := exec.LookPath("apt-get"); err != nil {
		return nil, setupErrorf("kernel spec %q needs apt-get and dpkg (a Debian-based host); use file:PATH instead", s.Raw)
	}
	if aptListsAge() > aptListsMaxAge {
		if err := r.aptUpdate(ctx); err != nil {
			return nil, err
		}
	}
	c, err := r.newestAptCandidate(ctx, s.Package)
	if err == nil && c == nil && !r.aptUpdated && isRoot() {
		// Unknown name: perhaps the lists predate the package.
		if err := r.aptUpdate(ctx); err != nil {
			return nil, err
		}
		c, err = r.newestAptCandidate(ctx, s.Package)
	}
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, setupErrorf("apt:%s: no such package in apt-cache; list candidates with `apt-cache search --names-only '^linux-image-.*-cloud-amd64$'`", s.Package)
	}

	dir, err := r.Cache.Fill("apt", c.SHA256, func(tmp string) error {
		r.logf("downloading %s %s", c.Package, c.Version)
		return fetchAptKernel(ctx, c, tmp)
	})
	if err != nil {
		return nil, err
	}
	k := &Kernel{
		Spec:     s,
		Name:     strings.TrimPrefix(c.Package, "linux-image-"),
		Describe: fmt.Sprintf("%s %s (apt, deb sha256 %s)", c.Package, c.Version, c.SHA256[:12]),
		BzImage:  filepath.Join(dir, "bzImage"),
		Arch:     "amd64",
	}
	if _, err := os.Stat(filepath.Join(dir, "config")); err == nil {
		k.Config = filepath.Join(dir, "config")
	}
	// One Debian kernel booted with different LSM stacks must give the
	// same verdicts: its runs form one LSM group.
	k.LSMGroup = "apt:" + c.Package
	if s.BootArgsSet != "" {
		boot, err := BootArgs(s.BootArgsSet)
		if err != nil {
			return nil, err
		}
		k.Name += "+" + s.BootArgsSet
		k.BootArgs = boot
		k.Describe += ", boot args: " + boot
	}
	return k, nil
}

// newestAptCandidate finds the packages whose names match pattern (a name or
// a glob) and returns the one with the highest version; nil when none match.
// apt-cache parses every package list on each call (~1 s here), so the
// answer is memoised in the cache until the lists change.
func (r *Resolver) newestAptCandidate(ctx context.Context, pattern string) (*aptCandidate, error) {
	memo := filepath.Join(r.Cache.Dir, "apt-resolve", hashStrings(pattern, aptListsStamp())+".json")
	var c aptCandidate
	if b, err := os.ReadFile(memo); err == nil && json.Unmarshal(b, &c) == nil && c.Package != "" {
		return &c, nil
	}
	best, err := queryNewestAptCandidate(ctx, pattern)
	if err == nil && best != nil {
		if b, err := json.Marshal(best); err == nil {
			_ = os.MkdirAll(filepath.Dir(memo), 0o755)
			_ = os.WriteFile(memo+".tmp", b, 0o644)
			_ = os.Rename(memo+".tmp", memo)
		}
	}
	return best, err
}

func queryNewestAptCandidate(ctx context.Context, pattern string) (*aptCandidate, error) {
	prefix := pattern
	if i := strings.IndexAny(prefix, "*?["); i >= 0 {
		prefix = prefix[:i]
	}
	out, err := runCmd(ctx, "", nil, "apt-cache", "pkgnames", prefix)
	if err != nil {
		return nil, setupErrorf("`apt-cache pkgnames %s` failed: %s", prefix, lastLine(out))
	}
	var names []string
	for _, n := range strings.Fields(string(out)) {
		if ok, _ := path.Match(pattern, n); ok {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	sort.Strings(names)
	// One apt-cache call for all names; virtual names only add an error
	// line, so the output is used even when the exit status is not 0.
	out, _ = runCmd(ctx, "", []string{"LC_ALL=C"}, "apt-cache", append([]string{"show", "--no-all-versions"}, names...)...)
	var best *aptCandidate
	for _, c := range parseAptRecords(string(out)) {
		if best == nil || debVersionLess(best.Version, c.Version) {
			best = c
		}
	}
	return best, nil
}

// parseAptRecords reads Package/Version/SHA256 from apt-cache show output.
func parseAptRecords(out string) []*aptCandidate {
	var cs []*aptCandidate
	for _, rec := range strings.Split(out, "\n\n") {
		c := &aptCandidate{}
		for _, l := range strings.Split(rec, "\n") {
			if v, ok := strings.CutPrefix(l, "Package: "); ok {
				c.Package = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(l, "Version: "); ok {
				c.Version = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(l, "SHA256: "); ok {
				c.SHA256 = strings.TrimSpace(v)
			}
		}
		if c.Package != "" && c.Version != "" && len(c.SHA256) == 64 {
			cs = append(cs, c)
		}
	}
	return cs
}

// aptListsStamp changes whenever apt's package lists change.
func aptListsStamp() string {
	files, _ := filepath.Glob("/var/lib/apt/lists/*_Packages*")
	var b strings.Builder
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", f, st.Size(), st.ModTime().UnixNano())
		}
	}
	return b.String()
}

// debVersionLess asks dpkg, which owns the Debian version ordering rules.
func debVersionLess(a, b string) bool {
	return exec.Command("dpkg", "--compare-versions", a, "lt", b).Run() == nil
}

// fetchAptKernel downloads the .deb into tmp (never installing it), checks
// it against apt's SHA256 and extracts vmlinuz and config.
func fetchAptKernel(ctx context.Context, c *aptCandidate, tmp string) error {
	// _apt must be able to write here or apt warns and falls back to root.
	_ = os.Chmod(tmp, 0o755)
	if out, err := runCmd(ctx, tmp, nil, "apt-get", "download", c.Package+"="+c.Version); err != nil {
		return setupErrorf("`apt-get download %s=%s` failed: %s (check the network or run `apt-get update`)", c.Package, c.Version, lastLine(out))
	}
	debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	if len(debs) != 1 {
		return setupErrorf("apt-get download %s left %d .deb files, want 1", c.Package, len(debs))
	}
	if sum, err := hashFile(debs[0]); err != nil || sum != c.SHA256 {
		return setupErrorf("%s: downloaded .deb does not match apt's SHA256: run `apt-get update` and retry", c.Package)
	}
	x := filepath.Join(tmp, "x")
	if out, err := runCmd(ctx, "", nil, "dpkg", "-x", debs[0], x); err != nil {
		return setupErrorf("`dpkg -x %s` failed: %s", filepath.Base(debs[0]), lastLine(out))
	}
	vmlinuz, _ := filepath.Glob(filepath.Join(x, "boot", "vmlinuz-*"))
	if len(vmlinuz) != 1 {
		return setupErrorf("%s contains no boot/vmlinuz-*: is it a linux-image package?", c.Package)
	}
	if err := os.Rename(vmlinuz[0], filepath.Join(tmp, "bzImage")); err != nil {
		return err
	}
	if cfg, _ := filepath.Glob(filepath.Join(x, "boot", "config-*")); len(cfg) == 1 {
		if err := os.Rename(cfg[0], filepath.Join(tmp, "config")); err != nil {
			return err
		}
	}
	os.RemoveAll(x)
	os.Remove(debs[0])
	return checkBzImage(filepath.Join(tmp, "bzImage"))
}
