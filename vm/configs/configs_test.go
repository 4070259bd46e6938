package configs

import (
	"strings"
	"testing"
)

func TestConfigVariantsHaveTheirFiles(t *testing.T) {
	for _, v := range variants {
		for _, f := range v.Fragments {
			if _, err := Fragment(f); err != nil {
				t.Error(err)
			}
		}
		if _, err := BootArgs(v.BootArgs); err != nil {
			t.Error(err)
		}
	}
	if a, _ := BootArgs("lsm-selinux"); !strings.Contains(a, "lsm=selinux") || strings.Contains(a, "#") {
		t.Errorf("lsm-selinux boot args: %q", a)
	}
	opts := FragmentOptions("CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=\"x,y\"\n")
	if opts["CONFIG_A"] != "y" || opts["CONFIG_B"] != "n" || opts["CONFIG_C"] != "x,y" {
		t.Errorf("FragmentOptions: %v", opts)
	}
}
