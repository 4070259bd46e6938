package selinux

import "testing"

func TestRequested(t *testing.T) {
	for cmdline, want := range map[string]bool{
		"lsm=selinux selinux=1 enforcing=1": true,
		"lsm=landlock,selinux":              true,
		"console=ttyS0 selinux=1":           true,
		"lsm=landlock,yama":                 false,
		"lsm=selinux selinux=0":             false,
		"":                                  false,
	} {
		if got := Requested(cmdline); got != want {
			t.Errorf("Requested(%q) = %v, want %v", cmdline, got, want)
		}
	}
}
