package selinux

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseCandidate(t *testing.T) {
	out := "selinux-policy-default:\n  Installed: (none)\n  Candidate: 2:2.20221101-9\n  Version table:\n"
	if got := ParseCandidate(out); got != "2:2.20221101-9" {
		t.Fatalf("ParseCandidate = %q", got)
	}
	if got := ParseCandidate("x:\n  Installed: (none)\n  Candidate: (none)\n"); got != "" {
		t.Fatalf("ParseCandidate(none) = %q", got)
	}
}

func TestCacheDirKeyedByVersion(t *testing.T) {
	a := CacheDir("/c", "2:2.20221101-9")
	b := CacheDir("/c", "2:2.20221101-10")
	if a == b {
		t.Fatalf("versions share a cache dir: %s", a)
	}
	if a != "/c/selinux/selinux-policy-default_2_2.20221101-9" {
		t.Fatalf("CacheDir = %s", a)
	}
	if strings.ContainsAny(filepath.Base(CacheDir("/c", "1:a/b c")), "/: ") {
		t.Fatal("unsafe characters survive")
	}
}

func TestCachedPolicyPicksNewest(t *testing.T) {
	d := t.TempDir()
	if _, ok := cachedPolicy(d); ok {
		t.Fatal("empty dir reported as cached")
	}
	for _, n := range []string{"policy.31", "policy.33", "VERSION"} {
		os.WriteFile(filepath.Join(d, n), nil, 0o644)
	}
	if p, ok := cachedPolicy(d); !ok || filepath.Base(p) != "policy.33" {
		t.Fatalf("cachedPolicy = %s %v", p, ok)
	}
}

func TestSemoduleArgs(t *testing.T) {
	root := t.TempDir()
	share := filepath.Join(root, "usr/share/selinux/default")
	os.MkdirAll(share, 0o755)
	os.WriteFile(filepath.Join(share, ".modules"), []byte("base\nsyslogd\ngit\n"), 0o644)
	args, err := SemoduleArgs(root)
	if err != nil {
		t.Fatal(err)
	}
	j := strings.Join(args, " ")
	for _, want := range []string{"-p " + root, "-n", "-i " + share + "/syslogd.pp.bz2", "-d git"} {
		if !strings.Contains(j, want) {
			t.Errorf("args %q lack %q", j, want)
		}
	}
	if strings.Contains(j, "-d amtu") {
		t.Errorf("disables a module that is not installed: %s", j)
	}
	if _, err := SemoduleArgs(t.TempDir()); err == nil {
		t.Error("missing .modules accepted")
	}
}

func TestPolicyEnvOverride(t *testing.T) {
	f := filepath.Join(t.TempDir(), "policy.33")
	os.WriteFile(f, []byte("x"), 0o644)
	t.Setenv("PIDFDCONF_SELINUX_POLICY", f)
	if p, err := Policy(context.Background(), t.TempDir()); err != nil || p != f {
		t.Fatalf("Policy = %s, %v", p, err)
	}
	t.Setenv("PIDFDCONF_SELINUX_POLICY", f+".missing")
	if _, err := Policy(context.Background(), t.TempDir()); err == nil || !strings.Contains(err.Error(), "unset it") {
		t.Fatalf("missing override: %v", err)
	}
}
