package helpers

import (
	"os/exec"
	"testing"
)

// The one-syscall answer must never hide a child: a live one or a zombie.
func TestNoChildrenSeesLiveAndZombieChildren(t *testing.T) {
	if !noChildren() {
		t.Skip("the test process already has children")
	}
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep to start:", err)
	}
	if noChildren() {
		t.Error("noChildren with a live child")
	}
	cmd.Process.Kill()
	// Killed but unreaped (dying or a zombie), it is a child until Wait.
	if noChildren() {
		t.Error("noChildren with a zombie child")
	}
	cmd.Wait()
	if !noChildren() {
		t.Error("a reaped child still counts")
	}
}
