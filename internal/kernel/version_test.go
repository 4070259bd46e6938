package kernel

import "testing"

func TestParseRelease(t *testing.T) {
	cases := map[string]KernelVersion{
		"6.18.44-fc-v769":      {6, 18, 44},
		"6.1.0-50-cloud-amd64": {6, 1, 0},
		"7.1.0-rc2":            {7, 1, 0},
		"6.9":                  {6, 9, 0},
		"5.10.0+":              {5, 10, 0},
	}
	for in, want := range cases {
		got, err := ParseRelease(in)
		if err != nil || got != want {
			t.Errorf("ParseRelease(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "linux", "v6.9", "6"} {
		if _, err := ParseRelease(bad); err == nil {
			t.Errorf("ParseRelease(%q) succeeded; want an error", bad)
		}
	}
}

func TestVersionOrder(t *testing.T) {
	v := MustParseVersion("6.18.44-fc-v769")
	for _, s := range []string{"5.3", "6.9", "6.18", "6.18.44"} {
		if !v.AtLeast(s) {
			t.Errorf("%v.AtLeast(%s) = false", v, s)
		}
	}
	for _, s := range []string{"6.18.45", "6.19", "7.1"} {
		if v.AtLeast(s) {
			t.Errorf("%v.AtLeast(%s) = true", v, s)
		}
	}
	// A release candidate counts as its version: 7.1.0-rc2 has 7.1 features.
	if !MustParseVersion("7.1.0-rc2").AtLeast("7.1") {
		t.Error("7.1.0-rc2 must count as 7.1")
	}
}
