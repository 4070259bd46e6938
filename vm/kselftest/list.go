package kselftest

import (
	"os"
	"path/filepath"
	"strings"
)

// mergeList makes collection's lines of the kselftest-list.txt at path
// exactly "collection:program" for each program: every other line stays
// as it was and where it was, a program already listed keeps its place, a
// new one is appended, and one the collection no longer has is dropped.
// The file is replaced whole (a reader never sees half of it) and keeps
// its mode.
func mergeList(path, collection string, programs []string) error {
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	want := map[string]bool{}
	for _, p := range programs {
		want[collection+":"+p] = true
	}
	var lines []string
	listed := map[string]bool{}
	for _, l := range strings.SplitAfter(string(data), "\n") {
		entry := strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if strings.HasPrefix(entry, collection+":") {
			if !want[entry] || listed[entry] {
				continue
			}
			listed[entry] = true
		}
		if !strings.HasSuffix(l, "\n") {
			l += "\n"
		}
		lines = append(lines, l)
	}
	for _, p := range programs {
		if e := collection + ":" + p; !listed[e] {
			lines = append(lines, e+"\n")
		}
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kselftest-list-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(strings.Join(lines, "")); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
