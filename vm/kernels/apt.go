package kernels

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

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/cache"
	"github.com/pidfdconf/pidfdconf/vm/configs"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// aptListsMaxAge: older package lists get one `apt-get update` per run, so
// "newest" means newest today, not newest when the machine was set up.
const aptListsMaxAge = 7 * 24 * time.Hour

// aptCandidate is one downloadable version of a package.
type aptCandidate struct {
	Package, Version, SHA256 string
}

// hostUpdate refreshes the host's package lists (root only).
func (r *Resolver) hostUpdate(ctx context.Context) error {
	if r.aptUpdated {
		return nil
	}
	if !setup.IsRoot() {
		return setup.Errorf("apt package lists are missing or stale: run `sudo apt-get update`")
	}
	r.logf("apt-get update (package lists missing or stale)")
	if out, err := setup.Command(ctx, "", nil, "apt-get", "update"); err != nil {
		return setup.Errorf("`apt-get update` failed: %s (check the network and /etc/apt/sources.list)", setup.LastLine(out))
	}
	r.aptUpdated = true
	return nil
}

// aptRootFor is the apt configuration of a archive ("" = the host's sources)
// for packages of arch ("" = the host's own), its package lists refreshed
// when stale or when refresh is set. Another architecture's packages always
// come through a private configuration: the host's dpkg never learns of it.
func (r *Resolver) aptRootFor(ctx context.Context, archive, arch string, refresh bool) (aptRoot, error) {
	if _, err := exec.LookPath("apt-get"); err != nil {
		return aptRoot{}, setup.Errorf("apt: and build: kernels need apt-get and dpkg (a Debian-based host); use file:PATH instead")
	}
	if arch == HostArch() {
		arch = ""
	}
	if archive == "" && arch != "" {
		codename, err := hostCodename("/etc/os-release")
		if err != nil {
			return aptRoot{}, setup.Errorf("%s packages come from a Debian archive of their own: name it, apt:ARCHIVE/PACKAGE (archives: %s); the host's release is unknown: %v", arch, strings.Join(KnownArchives, ", "), err)
		}
		archive = codename
	}
	if archive != "" {
		return r.privateRoot(ctx, archive, arch, refresh)
	}
	if refresh || listsAge(hostApt.Lists) > aptListsMaxAge {
		if err := r.hostUpdate(ctx); err != nil {
			return aptRoot{}, err
		}
	}
	return hostApt, nil
}

// findNewest returns the newest version of the packages matching pattern in
// the archive's lists; with retry, when nothing matches it refreshes the lists
// once (perhaps they predate the package) and asks again. nil when still
// nothing matches.
func (r *Resolver) findNewest(ctx context.Context, archive, arch, pattern string, retry bool) (aptRoot, *aptCandidate, error) {
	root, err := r.aptRootFor(ctx, archive, arch, false)
	if err != nil {
		return root, nil, err
	}
	c, err := r.newestAptCandidate(ctx, root, pattern)
	fresh := r.aptUpdated
	if root.Archive != "" {
		fresh = r.updated[root.Dir]
	}
	if retry && err == nil && c == nil && !fresh && (root.Archive != "" || setup.IsRoot()) {
		if root, err = r.aptRootFor(ctx, archive, arch, true); err != nil {
			return root, nil, err
		}
		c, err = r.newestAptCandidate(ctx, root, pattern)
	}
	return root, c, err
}

func (r *Resolver) resolveApt(ctx context.Context, s KernelSpec) (*Kernel, error) {
	arch := ArchFromPackage(s.Package)
	root, c, err := r.findNewest(ctx, s.Archive, arch, s.Package, true)
	if err != nil {
		return nil, err
	}
	if c == nil {
		have, _ := aptNames(ctx, root, "linux-image-", "linux-image-*-"+arch)
		return nil, noPackageError(s, have)
	}
	r.logf("%s: %s %s (%s)", s.Raw, c.Package, c.Version, root.Label)
	dir, err := r.Cache.Fill("apt", c.SHA256, func(tmp string) error {
		return r.fetchAptKernel(ctx, root, c, tmp)
	})
	if err != nil {
		return nil, err
	}
	k := &Kernel{
		Spec:     s,
		Name:     strings.TrimPrefix(c.Package, "linux-image-"),
		Describe: fmt.Sprintf("%s %s (%s, deb sha256 %s%s)", c.Package, c.Version, root.Label, c.SHA256[:12], partsNote(dir)),
		BzImage:  filepath.Join(dir, "bzImage"),
		Arch:     arch,
	}
	if _, err := os.Stat(filepath.Join(dir, "config")); err == nil {
		k.Config, k.ConfigSource = filepath.Join(dir, "config"), "from the Debian package"+partsNote(dir)
	}
	// One Debian kernel booted with different LSM stacks must give the
	// same verdicts: its runs form one LSM group.
	k.LSMGroup = "apt:" + c.Package
	if s.BootArgsSet != "" {
		boot, err := configs.BootArgs(s.BootArgsSet)
		if err != nil {
			return nil, err
		}
		k.Name += "+" + s.BootArgsSet
		k.BootArgs = boot
		k.Describe += ", boot args: " + boot
	}
	if s.Compat {
		compat(k)
	}
	return k, nil
}

// compat makes k a compat column: the same kernel, its suites, /init and
// helpers built for i386, so every call the suites make takes the kernel's
// 32-bit compat paths (compat siginfo, compat ioctl, 32-bit st_ino...).
// A kernel built without CONFIG_IA32_EMULATION cannot run them: the
// column is not booted, its specs SKIP naming the option.
func compat(k *Kernel) {
	k.Name += "+" + CompatSuffix
	k.Describe += ", i386 userspace (compat)"
	k.KernelArch, k.Arch = k.Arch, "386"
	k.LSMGroup = "" // another userspace: its verdicts are its own
	if k.Config == "" {
		return
	}
	f, err := os.Open(k.Config)
	if err != nil {
		return
	}
	defer f.Close()
	if v := kernel.ParseConfig(f)["CONFIG_IA32_EMULATION"]; v != "y" {
		k.Unsupported = "requires CONFIG_IA32_EMULATION, which is off in the kernel config: it cannot run i386 programs"
	}
}

// noPackageError names what the archive does have, so a typo or an
// outdated name is fixed from the message alone.
func noPackageError(s KernelSpec, have []string) error {
	where, fix := "the host's apt sources", fmt.Sprintf("or name an archive: apt:ARCHIVE/%s (archives: %s)", s.Package, strings.Join(KnownArchives, ", "))
	if s.Archive != "" {
		where, fix = "Debian "+s.Archive, "or another archive: "+strings.Join(KnownArchives, ", ")
	}
	if len(have) > 6 {
		have = append(have[:3:3], append([]string{"…"}, have[len(have)-3:]...)...)
	}
	list := "none"
	if len(have) > 0 {
		list = strings.Join(have, " ")
	}
	return setup.Errorf("%s: no package matches %q in %s; its linux-image packages: %s; fix the name %s", s.Raw, s.Package, where, list, fix)
}

// partsNote says which packages carried a split kernel (see debian_layout.go).
func partsNote(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "parts"))
	if err != nil || len(b) == 0 {
		return ""
	}
	return "; image and config from " + strings.Join(strings.Fields(string(b)), ", ")
}

// newestAptCandidate finds the packages whose names match pattern (a name or
// a glob) in root and returns the highest version; nil when none match.
// apt-cache parses every package list on each call (~1 s here), so the
// answer is memoised in the cache until the lists change.
func (r *Resolver) newestAptCandidate(ctx context.Context, root aptRoot, pattern string) (*aptCandidate, error) {
	memo := filepath.Join(r.Cache.Dir, "apt-resolve", cache.HashStrings(root.Label, pattern, listsStamp(root.Lists))+".json")
	var c aptCandidate
	if b, err := os.ReadFile(memo); err == nil && json.Unmarshal(b, &c) == nil && c.Package != "" {
		return &c, nil
	}
	best, err := queryNewestAptCandidate(ctx, root, pattern)
	if err == nil && best != nil {
		if b, err := json.Marshal(best); err == nil {
			_ = os.MkdirAll(filepath.Dir(memo), 0o755)
			_ = os.WriteFile(memo+".tmp", b, 0o644)
			_ = os.Rename(memo+".tmp", memo)
		}
	}
	return best, err
}

func queryNewestAptCandidate(ctx context.Context, root aptRoot, pattern string) (*aptCandidate, error) {
	cs, err := aptCandidates(ctx, root, pattern)
	var best *aptCandidate
	for _, c := range cs {
		if best == nil || debVersionLess(best.Version, c.Version) {
			best = c
		}
	}
	return best, err
}

// aptNames lists the package names in root that start with prefix and
// match pattern, sorted.
func aptNames(ctx context.Context, root aptRoot, prefix, pattern string) ([]string, error) {
	out, err := setup.Command(ctx, "", nil, "apt-cache", append(append([]string{}, root.Opts...), "pkgnames", prefix)...)
	if err != nil {
		return nil, setup.Errorf("`apt-cache pkgnames %s` (%s) failed: %s", prefix, root.Label, setup.LastLine(out))
	}
	var names []string
	for _, n := range strings.Fields(string(out)) {
		if ok, _ := path.Match(pattern, n); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// aptCandidates lists every version of every package matching pattern.
func aptCandidates(ctx context.Context, root aptRoot, pattern string) ([]*aptCandidate, error) {
	prefix := pattern
	if i := strings.IndexAny(prefix, "*?["); i >= 0 {
		prefix = prefix[:i]
	}
	names, err := aptNames(ctx, root, prefix, pattern)
	if err != nil || len(names) == 0 {
		return nil, err
	}
	// One apt-cache call for all names and versions; virtual names only add
	// an error line, so the output is used even when the exit status is not 0.
	args := append(append([]string{}, root.Opts...), "show")
	for _, n := range names {
		args = append(args, root.qualified(n))
	}
	out, _ := setup.Command(ctx, "", []string{"LC_ALL=C"}, "apt-cache", args...)
	return parseAptRecords(string(out)), nil
}

// aptRecord is the exact package=version in root.
func aptRecord(ctx context.Context, root aptRoot, p debPart) (*aptCandidate, error) {
	args := append(append([]string{}, root.Opts...), "show", root.qualified(p.Package)+"="+p.Version)
	out, err := setup.Command(ctx, "", []string{"LC_ALL=C"}, "apt-cache", args...)
	recs := parseAptRecords(string(out))
	if err != nil || len(recs) == 0 {
		return nil, setup.Errorf("%s=%s is not in %s: %s (run the kernels command again to refresh the lists)", p.Package, p.Version, root.Label, setup.LastLine(out))
	}
	return recs[0], nil
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

// listsStamp changes whenever the package lists in dir change.
func listsStamp(dir string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "*_Packages*"))
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

// downloadDeb fetches package=version into dir (never installing it) and
// checks it against the SHA256 of root's signed lists.
func downloadDeb(ctx context.Context, root aptRoot, c *aptCandidate, dir string) (string, error) {
	// _apt must be able to write here or apt warns and falls back to root.
	_ = os.Chmod(dir, 0o755)
	spec := root.qualified(c.Package) + "=" + c.Version
	if out, err := setup.Command(ctx, dir, nil, "apt-get", append(append([]string{}, root.Opts...), "download", spec)...); err != nil {
		return "", setup.Errorf("`apt-get download %s` (%s) failed: %s (check the network; the lists refresh after %s)", spec, root.Label, setup.LastLine(out), aptListsMaxAge)
	}
	debs, _ := filepath.Glob(filepath.Join(dir, c.Package+"_*.deb"))
	if len(debs) != 1 {
		return "", setup.Errorf("apt-get download %s left %d .deb files, want 1", spec, len(debs))
	}
	if sum, err := cache.HashFile(debs[0]); err != nil || sum != c.SHA256 {
		return "", setup.Errorf("%s: downloaded .deb does not match the SHA256 of %s: retry (the lists may have changed)", spec, root.Label)
	}
	return debs[0], nil
}

// fetchAptKernel downloads the linux-image .deb and, for a split package,
// the packages holding the image and config, then extracts both into tmp.
func (r *Resolver) fetchAptKernel(ctx context.Context, root aptRoot, c *aptCandidate, tmp string) error {
	dl := filepath.Join(tmp, "debs")
	if err := os.MkdirAll(dl, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(dl)
	r.logf("downloading %s %s", c.Package, c.Version)
	meta, err := downloadDeb(ctx, root, c, dl)
	if err != nil {
		return err
	}
	parts, err := splitKernelParts(ctx, meta)
	if err != nil {
		return err
	}
	debs := []string{meta}
	var names []string
	for _, p := range parts {
		pc, err := aptRecord(ctx, root, p)
		if err != nil {
			return err
		}
		r.logf("downloading %s %s (split package: image or config)", pc.Package, pc.Version)
		d, err := downloadDeb(ctx, root, pc, dl)
		if err != nil {
			return err
		}
		debs = append(debs, d)
		names = append(names, pc.Package)
	}
	if err := os.WriteFile(filepath.Join(tmp, "parts"), []byte(strings.Join(names, "\n")), 0o644); err != nil {
		return err
	}
	return extractKernel(ctx, debs, tmp)
}
