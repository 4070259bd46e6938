package kernels

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/setup"
)

func TestPrivateArchiveConfiguration(t *testing.T) {
	dir := t.TempDir()
	p := privateArchive{Dir: dir, Mirror: "http://mirror.example/debian", Archive: "trixie-backports", Keyring: hostKeyring}
	if err := p.write(); err != nil {
		t.Fatal(err)
	}
	list, _ := os.ReadFile(filepath.Join(dir, "sources.list"))
	want := "deb [signed-by=" + hostKeyring + "] http://mirror.example/debian trixie-backports main\n"
	if string(list) != want {
		t.Errorf("sources.list:\n%s\nwant\n%s", list, want)
	}
	if strings.Contains(string(list), "trusted=yes") {
		t.Error("the private archive must be verified, never trusted=yes")
	}
	for _, d := range []string{"lists/partial", "archives/partial", "cache", "status"} {
		if _, err := os.Stat(filepath.Join(dir, d)); err != nil {
			t.Errorf("layout: %v", err)
		}
	}
	opts := map[string]string{}
	o := p.options()
	for i := 0; i+1 < len(o); i += 2 {
		if o[i] != "-o" {
			t.Fatalf("options come in -o pairs: %q", o)
		}
		k, v, _ := strings.Cut(o[i+1], "=")
		opts[k] = v
	}
	// Everything apt writes or reads as state is private; the host's
	// sources, pins and trusted keys are switched off.
	for k, v := range map[string]string{
		"Dir::Etc::SourceList":   filepath.Join(dir, "sources.list"),
		"Dir::Etc::SourceParts":  "/dev/null",
		"Dir::Etc::Preferences":  "/dev/null",
		"Dir::Etc::TrustedParts": "/dev/null",
		"Dir::State::Lists":      filepath.Join(dir, "lists"),
		"Dir::State::status":     filepath.Join(dir, "status"),
		"Dir::Cache":             filepath.Join(dir, "cache"),
		"Dir::Cache::archives":   filepath.Join(dir, "archives"),
	} {
		if opts[k] != v {
			t.Errorf("%s=%q, want %q", k, opts[k], v)
		}
	}
	for k, v := range opts {
		if strings.HasPrefix(k, "Dir::") && strings.HasPrefix(v, "/") && v != "/dev/null" && !strings.HasPrefix(v, dir) {
			t.Errorf("%s=%s points outside the private directory", k, v)
		}
	}
}

func TestHostDebianMirror(t *testing.T) {
	t.Setenv("DEBIAN_MIRROR", "")
	etc := t.TempDir()
	os.MkdirAll(filepath.Join(etc, "sources.list.d"), 0o755)
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(etc, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := hostDebianMirror(etc); err == nil || !setup.IsError(err) || !strings.Contains(err.Error(), "set DEBIAN_MIRROR") {
		t.Fatalf("no sources: %v, want a setup error naming DEBIAN_MIRROR", err)
	}
	// Third-party and security repositories are not the archive; a
	// disabled deb822 stanza and deb-src lines do not count.
	write("sources.list", "# deb http://commented.example/debian bookworm main\ndeb-src http://src.example/debian bookworm main\ndeb [arch=amd64] https://packages.example.com/apt stable main\n")
	write("sources.list.d/a.sources", "Types: deb\nURIs: http://disabled.example/debian\nSuites: bookworm\nEnabled: no\n\nTypes: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\n")
	write("sources.list.d/b.sources", "Types: deb deb-src\n# a comment\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n")
	if m, err := hostDebianMirror(etc); err != nil || m != "http://mirror.example/debian" {
		t.Fatalf("deb822 mirror: %q %v", m, err)
	}
	write("sources.list", "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg arch=amd64] http://one.example/debian bookworm main\n")
	if m, _ := hostDebianMirror(etc); m != "http://one.example/debian" {
		t.Fatalf("one-line mirror with options: %q", m)
	}
	t.Setenv("DEBIAN_MIRROR", "http://override.example/debian/")
	if m, _ := hostDebianMirror(etc); m != "http://override.example/debian" {
		t.Fatalf("DEBIAN_MIRROR: %q", m)
	}
}

func TestUpdateErrorsNameTheFix(t *testing.T) {
	for out, want := range map[string]string{
		"E: The repository 'http://m/debian bogus Release' does not have a Release file.": `has no archive "bogus": use one of bookworm, trixie, trixie-backports, sid, experimental`,
		"W: GPG error: http://m/debian bogus InRelease: NO_PUBKEY 762F67A0B2C39DE4":       "apt-get install debian-archive-keyring",
		"E: Failed to fetch http://m/debian/dists/bogus/InRelease  Connection refused":    "check the network and the mirror http://m/debian",
	} {
		err := updateError("bogus", "http://m/debian", []byte(out))
		if !setup.IsError(err) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q → %v, want %q", out, err, want)
		}
	}
}

func TestNoPackageErrorListsWhatTheArchiveHas(t *testing.T) {
	s, _ := ParseKernelSpec("apt:sid/linux-image-*-cloud-arm64")
	have := []string{"linux-image-7.2.13+deb14-amd64", "linux-image-7.2.13+deb14-cloud-amd64"}
	err := noPackageError(s, have)
	for _, want := range []string{"in Debian sid", "linux-image-7.2.13+deb14-cloud-amd64", "fix the name"} {
		if !setup.IsError(err) || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: want %q", err, want)
		}
	}
	s, _ = ParseKernelSpec("apt:linux-image-9.9-*")
	if err := noPackageError(s, nil); !strings.Contains(err.Error(), "apt:ARCHIVE/linux-image-9.9-*") {
		t.Errorf("unqualified miss should suggest a archive: %v", err)
	}
}

func TestReleaseCandidatesAreNotTheNewestSource(t *testing.T) {
	if !isReleaseCandidate("7.3~rc7-1~exp1") || isReleaseCandidate("7.3.4-1~bpo13+1") {
		t.Fatal("isReleaseCandidate")
	}
}
