package outcome

import "testing"

// The runner matches these strings in reports written by other builds:
// they are a wire format and must not drift.
func TestWireNames(t *testing.T) {
	if SkipClassEntry != "pidfdconf-skip-class" || UnstageableEntry != "pidfdconf-unstageable" {
		t.Fatalf("entry names changed: %q %q", SkipClassEntry, UnstageableEntry)
	}
	want := []string{"older-kernel", "config", "privilege", "architecture", "environment"}
	if len(SkipClasses) != len(want) {
		t.Fatalf("SkipClasses = %v, want %v", SkipClasses, want)
	}
	for i, c := range SkipClasses {
		if string(c) != want[i] || !c.Valid() {
			t.Errorf("class %d = %q, want %q", i, c, want[i])
		}
	}
	if SkipClass("kernel").Valid() {
		t.Error(`"kernel" must not be a valid class`)
	}
}
