package gate

import (
	"strconv"
	"strings"

	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

// Shard is slice I of N of a run's kernel columns (1 ≤ I ≤ N).
type Shard struct{ I, N int }

// ParseShard parses "I/N"; "" is the whole run (1/1).
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{1, 1}, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, setup.Errorf("shard %q: want I/N with 1 ≤ I ≤ N, e.g. 2/4", s)
	}
	return Shard{i, n}, nil
}

// Select keeps every N-th kernel spec starting at the I-th, in the order
// given: the same -kernels on every machine gives disjoint shards that
// together are the whole list, and each shard gets old and new kernels
// alike rather than one shard all the slow builds.
func (s Shard) Select(specs []kernels.KernelSpec) []kernels.KernelSpec {
	var out []kernels.KernelSpec
	for i, k := range specs {
		if i%s.N == s.I-1 {
			out = append(out, k)
		}
	}
	return out
}
