package helpers

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
)

// UndefinedFlagEntries is one table entry per bit of a 32-bit flags
// argument outside defined, named "bit N (0x…)". entry builds each from the
// name and the flag value, so the Entry call (and the metadata comment above
// it) stays in the spec file.
func UndefinedFlagEntries(defined int, entry func(name string, flag int) TableEntry) []TableEntry {
	var entries []TableEntry
	for bit := range 32 {
		flag := 1 << bit
		if flag&defined != 0 {
			continue
		}
		entries = append(entries, entry(fmt.Sprintf("bit %d (%#x)", bit, uint32(flag)), int(uint32(flag))))
	}
	return entries
}
