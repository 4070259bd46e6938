package main

import "testing"

func TestSELinuxRequested(t *testing.T) {
	for cmdline, want := range map[string]bool{
		"console=ttyS0 lsm=selinux selinux=1 enforcing=1": true,
		"lsm=landlock,selinux":                            true,
		"console=ttyS0 selinux=1":                         true,
		"lsm=landlock,yama":                               false,
		"lsm=selinux selinux=0":                           false,
		"":                                                false,
	} {
		if got := selinuxRequested(cmdline); got != want {
			t.Errorf("selinuxRequested(%q) = %v, want %v", cmdline, got, want)
		}
	}
}
