package vm

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/cache"
)

func TestClaimBinDirKeepsTwoRunsOfOneCheckoutApart(t *testing.T) {
	cfg := RunConfig{Root: t.TempDir(), Cache: cache.Cache{Dir: t.TempDir()}, Log: io.Discard}
	first, second := cfg, cfg
	releaseFirst, err := first.claimBinDir()
	if err != nil {
		t.Fatal(err)
	}
	if first.binDir() != cfg.checkoutBinDir() {
		t.Errorf("the first run got %s, want the checkout's %s", first.binDir(), cfg.checkoutBinDir())
	}
	releaseSecond, err := second.claimBinDir()
	if err != nil {
		t.Fatal(err)
	}
	if second.binDir() == first.binDir() {
		t.Fatalf("both runs got %s", first.binDir())
	}
	releaseSecond()
	if _, err := os.Stat(second.binDir()); !os.IsNotExist(err) {
		t.Errorf("the private %s is still there after its run: %v", second.binDir(), err)
	}
	releaseFirst()
	third := cfg
	releaseThird, err := third.claimBinDir()
	if err != nil {
		t.Fatal(err)
	}
	defer releaseThird()
	if third.binDir() != cfg.checkoutBinDir() {
		t.Errorf("once free, the checkout's directory went to %s", third.binDir())
	}
}

func TestClaimBinDirRemovesAbandonedPrivateDirectories(t *testing.T) {
	cfg := RunConfig{Root: t.TempDir(), Cache: cache.Cache{Dir: t.TempDir()}, Log: io.Discard}
	// What a run killed before its release leaves: a private directory
	// nobody holds.
	abandoned := cfg.checkoutBinDir() + "-run-123"
	if err := os.MkdirAll(filepath.Join(abandoned, "amd64"), 0o755); err != nil {
		t.Fatal(err)
	}
	holder := cfg
	releaseHolder, err := holder.claimBinDir()
	if err != nil {
		t.Fatal(err)
	}
	defer releaseHolder()
	if _, err := os.Stat(abandoned); !os.IsNotExist(err) {
		t.Errorf("the abandoned %s is still there: %v", abandoned, err)
	}
	// A private directory in use is not touched by another run's claim.
	inUse := cfg
	releaseInUse, err := inUse.claimBinDir()
	if err != nil {
		t.Fatal(err)
	}
	defer releaseInUse()
	other := cfg
	releaseOther, err := other.claimBinDir()
	if err != nil {
		t.Fatal(err)
	}
	defer releaseOther()
	if _, err := os.Stat(inUse.binDir()); err != nil {
		t.Errorf("a claim removed %s while its run held it: %v", inUse.binDir(), err)
	}
}
