// Package mutants is `make mutants`: one-line mutations of Debian's
// linux-source (mutations.txt, beside this code, with the recorded results),
// each built incrementally and booted through the pipeline (package vm) with
// the suites expected to kill it, and the mutation score.
//
// It may import the package vm, every stage and the foundation.
package mutants
