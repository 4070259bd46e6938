package helpers

import (
	"fmt"
	"math/bits"

	. "github.com/onsi/ginkgo/v2"

	"github.com/pidfdconf/pidfdconf/internal/specid"
)

// ID is the decorator every It and Entry carries: the spec's stable ID,
// unique across all suites, which names it in KTAP ("pidfd.<suite>.<id>")
// and matches it with its earlier self in a baseline. It must not change
// when the spec's text is reworded, and must never be reused for a
// different behaviour. `make catalogue` checks the rules of
// internal/specid: read alone it names a subject or condition (no
// pronoun, not only outcome words), its words are words of the spec's
// text, and a rename has its line in internal/specid/renamed.txt.
func ID(id string) Labels {
	return define(specid.Prefix + id)
}

// IDScope is the decorator of a container declared in a loop: its part
// (such as the loop's value) prefixes the IDs of the specs inside, which
// share one It line per iteration.
func IDScope(part string) Labels {
	return define(specid.ScopePrefix + part)
}

// FlagBitID is the ID of a table entry made for one flag bit:
// "<stem>_bit_<n>".
func FlagBitID(stem string, flag int) Labels {
	return ID(fmt.Sprintf("%s_bit_%d", stem, bits.TrailingZeros32(uint32(flag))))
}
