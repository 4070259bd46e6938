package kselftest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMergeListKeepsOtherCollectionsAndNeverDuplicates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kselftest-list.txt")
	before := "pidfd:pidfd_test\npidfdconf:open\npidfdconf:gone\nsize:get_size" // no final newline
	if err := os.WriteFile(path, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second install changes nothing
		if err := mergeList(path, "pidfdconf", []string{"open", "poll"}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(path)
	want := "pidfd:pidfd_test\npidfdconf:open\nsize:get_size\npidfdconf:poll\n"
	if string(got) != want {
		t.Errorf("merged list:\n%s\nwant:\n%s", got, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the file's own 0600", st.Mode().Perm())
	}
}

func TestMergeListStartsANewList(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kselftest-list.txt")
	if err := mergeList(path, "pidfdconf", []string{"clone", "open"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "pidfdconf:clone\npidfdconf:open\n" {
		t.Errorf("new list %q", got)
	}
}

func TestGOARCHOfKernelArchNames(t *testing.T) {
	for arch, want := range map[string]string{"x86_64": "amd64", "i386": "386", "arm64": "arm64", "aarch64": "arm64"} {
		if got, err := GOARCH(arch); err != nil || got != want {
			t.Errorf("GOARCH(%q) = %q, %v; want %q", arch, got, err, want)
		}
	}
	if _, err := GOARCH("riscv"); err == nil {
		t.Error("GOARCH(riscv) accepted an arch the collection does not build for")
	}
}
