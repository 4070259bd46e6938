package kernels

import (
	"strings"
	"testing"
)

// A column name becomes a directory: SafeName keeps it one path element
// that is neither "." nor "..", whatever it holds.
func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"6.12.118+deb12-cloud-amd64": "6.12.118+deb12-cloud-amd64",
		"..":                         "__",
		".":                          "_",
		"":                           "_",
		"../../etc":                  ".._.._etc",
		"a b/c":                      "a_b_c",
	} {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckName(t *testing.T) {
	for name, want := range map[string]string{
		"7.3.4+deb13-cloud-amd64": "",
		"tree-6.12.0-minimal":     "",
		"<script>":                "", // escaped where it is shown
		"":                        "empty",
		"..":                      "a directory's own name",
		"a/b":                     "holds a '/'",
		"6.1\x1b[31m":             "control character",
		"6.1\n":                   "control character",
		"\xff":                    "not UTF-8",
		strings.Repeat("x", 256):  "more than 255",
		strings.Repeat("x", 255):  "",
	} {
		err := CheckName(name)
		if (err == nil) != (want == "") || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckName(%q) = %v, want %q", name, err, want)
		}
	}
}
