// Package selinux produces Debian's compiled SELinux reference policy
// (selinux-policy-default, refpolicy 2.20221101 on bookworm) as a binary
// policy file for the lsm-selinux VM config, without installing the policy
// package on the host: the .deb is fetched with `apt-get download`, unpacked
// with `dpkg -x`, and its modules are linked by semodule into a private root
// (semodule -p <root> -n), exactly as the package's postinst would do it.
// The result is cached under <cacheDir>/selinux/<package-version>/policy.33.
//
// Host tools needed: apt-get, dpkg (always there on Debian) and semodule
// (package policycoreutils, which pulls in libsemanage). Installing them does
// not change the running kernel's LSM state.
package selinux

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/vm/cache"
)

// Package is the Debian package that carries the policy modules.
const Package = "selinux-policy-default"

// ToolsPackage carries semodule, which links the modules.
const ToolsPackage = "policycoreutils"

// What the host lacks to build the policy; the runner installs it as root
// and retries (vm.EnsureSELinuxTools).
var (
	ErrNoSemodule  = errors.New("semodule not found: apt-get install -y " + ToolsPackage + " (needed to link the SELinux policy; it does not enable SELinux on the host)")
	ErrNoCandidate = errors.New("no candidate version of " + Package + ": run apt-get update (bookworm main has 2:2.20221101-9)")
)

// Flavour is the policy store name inside the package ("default").
const Flavour = "default"

// priority is the module priority the package's postinst uses.
const priority = "100"

// notDefault are the modules the package's postinst installs but disables
// (copied from selinux-policy-default 2:2.20221101-9 postinst).
var notDefault = []string{"amtu", "bugzilla", "cobbler", "condor", "cyphesis", "git", "ksmtuned",
	"likewise", "livecd", "nessus", "numad", "oddjob", "openca", "soundserver", "thunderbird",
	"updfstab", "usernetctl"}

// DefaultCacheDir is the runner's cache (cache.DefaultDir): never a fixed
// path in the temporary directory, which another user could have made
// first and filled with a policy of their own.
func DefaultCacheDir() string { return cache.DefaultDir() }

// Policy returns the path of the binary policy (policy.NN) built from the
// candidate version of selinux-policy-default, building and caching it on
// first use (≈45 s). cacheDir "" means DefaultCacheDir().
func Policy(ctx context.Context, cacheDir string) (string, error) {
	if cacheDir == "" {
		cacheDir = DefaultCacheDir()
	}
	if p := os.Getenv(kernel.SELinuxPolicyEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %v (point it at a binary policy such as /etc/selinux/default/policy/policy.33, or unset it)", kernel.SELinuxPolicyEnv, p, err)
		}
		return p, nil
	}
	ver, err := candidateVersion(ctx)
	if err != nil {
		return "", err
	}
	dir := CacheDir(cacheDir, ver)
	if p, ok := cachedPolicy(dir); ok {
		return p, nil
	}
	if _, err := exec.LookPath("semodule"); err != nil {
		return "", ErrNoSemodule
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("cannot create %s: %v (set CACHE_DIR to a writable directory)", filepath.Dir(dir), err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-"+filepath.Base(dir)+"-")
	if err != nil {
		return "", fmt.Errorf("cannot create a temporary directory in %s: %v (set CACHE_DIR to a writable directory)", filepath.Dir(dir), err)
	}
	defer os.RemoveAll(tmp)
	if err := build(ctx, tmp, ver); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process may have won the race; its result is as good.
		if p, ok := cachedPolicy(dir); ok {
			return p, nil
		}
		return "", fmt.Errorf("cannot move the built policy into %s: %v", dir, err)
	}
	p, ok := cachedPolicy(dir)
	if !ok {
		return "", fmt.Errorf("built policy missing in %s (remove the directory and retry)", dir)
	}
	return p, nil
}

// CacheDir is where the policy built from package version ver is kept.
// The version's epoch colon and other characters unsafe in file names are
// replaced, so "2:2.20221101-9" → <cacheDir>/selinux/selinux-policy-default_2_2.20221101-9.
func CacheDir(cacheDir, ver string) string {
	return filepath.Join(cacheDir, "selinux", Package+"_"+sanitize(ver))
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9.+~-]`)

func sanitize(s string) string { return unsafeChars.ReplaceAllString(s, "_") }

// cachedPolicy finds the newest policy.NN in a finished cache directory.
func cachedPolicy(dir string) (string, bool) {
	m, _ := filepath.Glob(filepath.Join(dir, "policy.[0-9]*"))
	if len(m) == 0 {
		return "", false
	}
	sort.Strings(m)
	return m[len(m)-1], true
}

func candidateVersion(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "apt-cache", "policy", Package).Output()
	if err != nil {
		return "", fmt.Errorf("apt-cache policy %s: %v (needs a Debian host with apt)", Package, err)
	}
	v := ParseCandidate(string(out))
	if v == "" {
		return "", ErrNoCandidate
	}
	return v, nil
}

// ParseCandidate extracts the "Candidate:" version from apt-cache policy output.
func ParseCandidate(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Candidate:"); ok {
			v = strings.TrimSpace(v)
			if v == "(none)" {
				return ""
			}
			return v
		}
	}
	return ""
}

// build downloads, unpacks and links the policy into dir/policy.NN.
func build(ctx context.Context, dir, ver string) error {
	dl := filepath.Join(dir, "deb")
	root := filepath.Join(dir, "root")
	for _, d := range []string{dl, filepath.Join(root, "var", "lib", "selinux")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// apt-get download writes into the working directory; _apt cannot
	// write to a private temp dir, so it may warn and download as root.
	if err := run(ctx, dl, "apt-get", "download", Package+"="+ver); err != nil {
		return fmt.Errorf("apt-get download %s=%s: %v (check network/apt sources; apt-get update)", Package, ver, err)
	}
	debs, _ := filepath.Glob(filepath.Join(dl, "*.deb"))
	if len(debs) != 1 {
		return fmt.Errorf("apt-get download %s left %d .deb files in %s", Package, len(debs), dl)
	}
	if err := run(ctx, "", "dpkg", "-x", debs[0], root); err != nil {
		return fmt.Errorf("dpkg -x %s: %v", debs[0], err)
	}
	args, err := SemoduleArgs(root)
	if err != nil {
		return err
	}
	if err := run(ctx, "", "semodule", args...); err != nil {
		return fmt.Errorf("semodule into private root %s: %v (apt-get install -y policycoreutils; or install %s on the host and set PIDFDCONF_SELINUX_POLICY=/etc/selinux/default/policy/policy.33)", root, err, Package)
	}
	built, _ := filepath.Glob(filepath.Join(root, "etc", "selinux", Flavour, "policy", "policy.[0-9]*"))
	if len(built) == 0 {
		return fmt.Errorf("semodule produced no binary policy under %s/etc/selinux/%s/policy", root, Flavour)
	}
	sort.Strings(built)
	src := built[len(built)-1]
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(src)), data, 0o644); err != nil {
		return err
	}
	_ = os.WriteFile(filepath.Join(dir, "VERSION"), []byte(Package+" "+ver+"\n"), 0o644)
	// Keep only the binary policy: the store is ~30 MB.
	os.RemoveAll(root)
	os.RemoveAll(dl)
	return nil
}

// SemoduleArgs is the semodule command line that links the modules listed
// in <root>/usr/share/selinux/default/.modules into the private root, as the
// package's postinst does (priority 100, non-default modules disabled),
// without touching the host's policy store or kernel (-p root, -n).
func SemoduleArgs(root string) ([]string, error) {
	share := filepath.Join(root, "usr", "share", "selinux", Flavour)
	list, err := os.ReadFile(filepath.Join(share, ".modules"))
	if err != nil {
		return nil, fmt.Errorf("%s: %v (unexpected layout of %s)", filepath.Join(share, ".modules"), err, Package)
	}
	args := []string{"-p", root, "-s", Flavour, "-X", priority, "-n", "-N"}
	have := map[string]bool{}
	for _, m := range strings.Fields(string(list)) {
		have[m] = true
		args = append(args, "-i", filepath.Join(share, m+".pp.bz2"))
	}
	for _, m := range notDefault {
		if have[m] {
			args = append(args, "-d", m)
		}
	}
	return args, nil
}

func run(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		if msg != "" {
			return fmt.Errorf("%v: %s", err, msg)
		}
		return err
	}
	return nil
}
