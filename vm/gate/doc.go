// Package gate judges runs against each other and for git: regressions of
// a run against a baseline matrix.json, shards of one matrix merged back
// into one, a kernel column selection per shard, and the verdict of one
// git bisect step.
//
// It may import vm/report, the stages before it and the foundation.
package gate
