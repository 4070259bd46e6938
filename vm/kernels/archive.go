package kernels

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// The host's apt sources usually name one Debian release, but the newest
// kernels live in other archives of the same archive. Each archive gets its own
// apt configuration under the cache (sources.list, lists, state, archives),
// so the host's /etc/apt, its package lists and dpkg's state stay untouched,
// and "newest in trixie-backports" means exactly that archive's packages.

// KnownArchives are the archives the help text and errors suggest; any archive the
// archive serves works.
var KnownArchives = []string{"bookworm", "trixie", "trixie-backports", "sid", "experimental"}

// sourceArchives are searched, in this order, for a linux-source that the
// host's own sources do not have.
var sourceArchives = []string{"trixie-backports", "sid", "trixie", "experimental"}

// hostKeyring is what debian-archive-keyring installs; it signs every archive
// of the archive, with the newer keys arriving in newer versions of the
// package (newerKeyring covers a host that is behind).
const hostKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg"

// archiveName is what Debian archive names look like (codenames, -backports,
// -updates, -security): anything else is a typo, not a archive.
var archiveName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z]+)*$`)

// aptRoot is one apt configuration: the host's (no options) or a private
// one, given to apt-get and apt-cache as -o options.
type aptRoot struct {
	Label   string   // "host sources" or "Debian <archive>", for messages
	Archive string   // "" for the host
	Arch    string   // the packages' architecture where not the host's: arm64
	Dir     string   // the private configuration's directory, "" for the host
	Opts    []string // -o options selecting the private configuration
	Lists   string   // directory holding the package lists
}

// qualified is how apt names a package of the root's architecture:
// name:arm64 for a foreign one, so a name that also exists for the host's
// architecture never resolves to the host's package.
func (r aptRoot) qualified(name string) string {
	if r.Arch == "" {
		return name
	}
	return name + ":" + r.Arch
}

var hostApt = aptRoot{Label: "host sources", Lists: "/var/lib/apt/lists"}

// privateArchive is the private apt configuration of one archive, for the
// host's architecture or (Arch) another one.
type privateArchive struct {
	Dir, Mirror, Archive, Keyring, Arch string
}

func (p privateArchive) root() aptRoot {
	label := "Debian " + p.Archive
	if p.Arch != "" {
		label += " (" + p.Arch + ")"
	}
	return aptRoot{Label: label, Archive: p.Archive, Arch: p.Arch, Dir: p.Dir, Opts: p.options(), Lists: filepath.Join(p.Dir, "lists")}
}

// privateDir is where an archive's configuration lives: one per
// architecture, so the host architecture's lists (and every answer
// memoised from them) never change because an arm64 kernel was asked for.
func privateDir(cacheDir, archive, arch string) string {
	name := archive
	if arch != "" {
		name += "." + arch
	}
	return filepath.Join(cacheDir, "debian-apt", name)
}

// sourcesList is the whole sources.list of the archive: main only (kernels,
// their sources and the keyring are all in main), verified with Keyring.
func (p privateArchive) sourcesList() string {
	return fmt.Sprintf("deb [signed-by=%s] %s %s main\n", p.Keyring, p.Mirror, p.Archive)
}

// options point every apt directory that holds state at p.Dir and switch
// off the host's sources, pins and trusted keys; the rest of the host's
// apt.conf (proxies, Check-Valid-Until) still applies.
func (p privateArchive) options() []string {
	kv := [][2]string{
		{"Dir::Etc::SourceList", filepath.Join(p.Dir, "sources.list")},
		{"Dir::Etc::SourceParts", "/dev/null"},
		{"Dir::Etc::Preferences", "/dev/null"},
		{"Dir::Etc::PreferencesParts", "/dev/null"},
		{"Dir::Etc::Trusted", "/dev/null"},
		{"Dir::Etc::TrustedParts", "/dev/null"},
		{"Dir::State", p.Dir},
		{"Dir::State::Lists", filepath.Join(p.Dir, "lists")},
		{"Dir::State::status", filepath.Join(p.Dir, "status")},
		{"Dir::Cache", filepath.Join(p.Dir, "cache")},
		{"Dir::Cache::archives", filepath.Join(p.Dir, "archives")},
		// Only the Packages indices: no translations, no AppStream data.
		{"Acquire::Languages", "none"},
		{"Acquire::IndexTargets::deb::DEP-11::DefaultEnabled", "false"},
		{"Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled", "false"},
		{"Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled", "false"},
	}
	if p.Arch != "" {
		// apt adds the host's own architecture to the list whatever it says.
		kv = append(kv, [2]string{"APT::Architectures", p.Arch})
	}
	var o []string
	for _, e := range kv {
		o = append(o, "-o", e[0]+"="+e[1])
	}
	return o
}

// write lays out the directories apt expects and the sources.list.
func (p privateArchive) write() error {
	for _, d := range []string{"lists/partial", "cache", "archives/partial"} {
		if err := os.MkdirAll(filepath.Join(p.Dir, d), 0o755); err != nil {
			return setup.Errorf("cannot create %s: %v (set CACHE_DIR to a writable directory)", p.Dir, err)
		}
	}
	status := filepath.Join(p.Dir, "status")
	if _, err := os.Stat(status); err != nil {
		if err := os.WriteFile(status, nil, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(p.Dir, "sources.list"), []byte(p.sourcesList()), 0o644)
}

// privateRoot returns the archive's configuration, updating its package lists
// when they are missing, older than aptListsMaxAge, or force is set.
func (r *Resolver) privateRoot(ctx context.Context, archive, arch string, force bool) (aptRoot, error) {
	mirror, err := hostDebianMirror("/etc/apt")
	if err != nil {
		return aptRoot{}, err
	}
	keyring := hostKeyring
	if k := filepath.Join(r.Cache.Dir, "debian-apt", "keyring", strings.TrimPrefix(hostKeyring, "/")); fileExists(k) {
		keyring = k // fetched by newerKeyring on an earlier run
	} else if !fileExists(hostKeyring) {
		return aptRoot{}, setup.Errorf("apt:%s/… needs Debian's archive keys in %s: run `apt-get install debian-archive-keyring`", archive, hostKeyring)
	}
	p := privateArchive{Dir: privateDir(r.Cache.Dir, archive, arch), Mirror: mirror, Archive: archive, Keyring: keyring, Arch: arch}
	if err := p.write(); err != nil {
		return aptRoot{}, err
	}
	root := p.root()
	if r.updated == nil {
		r.updated = map[string]bool{}
	}
	if r.updated[p.Dir] || (!force && listsAge(root.Lists) < aptListsMaxAge) {
		return root, nil
	}
	r.logf("apt-get update for %s (private lists in %s)", root.Label, p.Dir)
	out, err := setup.Command(ctx, "", []string{"LC_ALL=C"}, "apt-get", append(root.Opts, "update")...)
	if err != nil || strings.Contains(string(out), "NO_PUBKEY") {
		if strings.Contains(string(out), "NO_PUBKEY") && keyring == hostKeyring {
			if kerr := r.newerKeyring(ctx); kerr != nil {
				return aptRoot{}, kerr
			}
			return r.privateRoot(ctx, archive, arch, force)
		}
		if missingArchive(out) {
			os.RemoveAll(p.Dir) // a typo leaves nothing behind
		}
		return aptRoot{}, updateError(archive, mirror, out)
	}
	r.updated[p.Dir] = true
	return root, nil
}

// updateError turns a failed `apt-get update` into the fix.
func updateError(archive, mirror string, out []byte) error {
	s := string(out)
	switch {
	case missingArchive(out):
		return setup.Errorf("the Debian mirror %s has no archive %q: use one of %s (see %s/dists/)", mirror, archive, strings.Join(KnownArchives, ", "), strings.TrimSuffix(mirror, "/"))
	case strings.Contains(s, "NO_PUBKEY"), strings.Contains(s, "EXPKEYSIG"):
		return setup.Errorf("Debian %s is signed with a key the archive keyring lacks (%s): run `apt-get install debian-archive-keyring` from a newer release", archive, setup.LastLine(out))
	}
	return setup.Errorf("`apt-get update` for Debian %s failed: %s (check the network and the mirror %s)", archive, setup.LastLine(out), mirror)
}

// missingArchive: apt's words for a archive the archive does not serve.
func missingArchive(out []byte) bool {
	return strings.Contains(string(out), "does not have a Release file")
}

// newerKeyring fetches the newest debian-archive-keyring package the host's
// sources offer and extracts it into the cache (never installing it), for a
// host whose keyring predates the archive's signing key.
func (r *Resolver) newerKeyring(ctx context.Context) error {
	dir := filepath.Join(r.Cache.Dir, "debian-apt", "keyring")
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".keyring-")
	if err != nil {
		return setup.Errorf("cannot write %s: %v", dir, err)
	}
	defer os.RemoveAll(tmp)
	_ = os.Chmod(tmp, 0o755)
	r.logf("the host's %s lacks a archive's key: fetching debian-archive-keyring", hostKeyring)
	if out, err := setup.Command(ctx, tmp, nil, "apt-get", "download", "debian-archive-keyring"); err != nil {
		return setup.Errorf("`apt-get download debian-archive-keyring` failed: %s (install a newer debian-archive-keyring)", setup.LastLine(out))
	}
	debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	if len(debs) != 1 {
		return setup.Errorf("apt-get download debian-archive-keyring left %d .deb files, want 1", len(debs))
	}
	x := filepath.Join(tmp, "x")
	if out, err := setup.Command(ctx, "", nil, "dpkg-deb", "-x", debs[0], x); err != nil {
		return setup.Errorf("`dpkg-deb -x %s` failed: %s", filepath.Base(debs[0]), setup.LastLine(out))
	}
	if !fileExists(filepath.Join(x, strings.TrimPrefix(hostKeyring, "/"))) {
		return setup.Errorf("debian-archive-keyring has no %s: install the keys by hand", hostKeyring)
	}
	os.RemoveAll(dir)
	return os.Rename(x, dir)
}

// hostDebianMirror finds the Debian archive the host's apt already uses
// (the URI serving its release, not debian-security), so the private
// archives come from the same mirror and proxy. DEBIAN_MIRROR overrides it.
func hostDebianMirror(etcApt string) (string, error) {
	if m := os.Getenv("DEBIAN_MIRROR"); m != "" {
		return strings.TrimSuffix(m, "/"), nil
	}
	files := []string{filepath.Join(etcApt, "sources.list")}
	for _, pat := range []string{"*.list", "*.sources"} {
		more, _ := filepath.Glob(filepath.Join(etcApt, "sources.list.d", pat))
		files = append(files, more...)
	}
	for _, f := range files {
		for _, u := range debURIs(f) {
			if isDebianArchive(u) {
				return strings.TrimSuffix(u, "/"), nil
			}
		}
	}
	return "", setup.Errorf("no Debian archive (a URI ending in /debian) in %s/sources.list or sources.list.d: set DEBIAN_MIRROR, e.g. DEBIAN_MIRROR=http://deb.debian.org/debian", etcApt)
}

// isDebianArchive: Debian's archive is published under a /debian path on
// every mirror; debian-security and third-party repositories are not it.
func isDebianArchive(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return path.Base(strings.TrimSuffix(u.Path, "/")) == "debian"
}

// debURIs lists the URIs of the enabled "deb" entries of one sources file,
// in one-line or deb822 format.
func debURIs(file string) []string {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var uris []string
	deb822 := strings.HasSuffix(file, ".sources")
	var types, stanzaURIs []string
	enabled := true
	flush := func() {
		if enabled && slices.Contains(types, "deb") {
			uris = append(uris, stanzaURIs...)
		}
		types, stanzaURIs, enabled = nil, nil, true
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		if !deb822 {
			if u := oneLineDebURI(line); u != "" {
				uris = append(uris, u)
			}
			continue
		}
		if line == "" {
			flush()
			continue
		}
		key, val, _ := strings.Cut(line, ":")
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "types":
			types = strings.Fields(val)
		case "uris":
			stanzaURIs = strings.Fields(val)
		case "enabled":
			enabled = strings.TrimSpace(val) != "no"
		}
	}
	flush()
	return uris
}

// oneLineDebURI is the URI of a "deb [options] URI archive components" line.
func oneLineDebURI(line string) string {
	f := strings.Fields(line)
	if len(f) < 3 || f[0] != "deb" {
		return ""
	}
	f = f[1:]
	if strings.HasPrefix(f[0], "[") {
		for len(f) > 0 && !strings.HasSuffix(f[0], "]") {
			f = f[1:]
		}
		if len(f) < 2 {
			return ""
		}
		f = f[1:]
	}
	return f[0]
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// listsAge is the age of the newest package list in dir; huge when none.
func listsAge(dir string) time.Duration {
	files, _ := filepath.Glob(filepath.Join(dir, "*_Packages*"))
	var newest time.Time
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.ModTime().After(newest) {
			newest = st.ModTime()
		}
	}
	if newest.IsZero() {
		return 1 << 62
	}
	return time.Since(newest)
}

// hostCodename is the host's Debian release (VERSION_CODENAME of
// os-release): the archive another architecture's packages come from when
// the spec names none.
func hostCodename(osRelease string) (string, error) {
	b, err := os.ReadFile(osRelease)
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VERSION_CODENAME="); ok {
			v = strings.Trim(strings.TrimSpace(v), `"'`)
			if archiveName.MatchString(v) {
				return v, nil
			}
			return "", fmt.Errorf("%s: VERSION_CODENAME=%q is not a Debian archive name", osRelease, v)
		}
	}
	return "", fmt.Errorf("%s names no VERSION_CODENAME", osRelease)
}
