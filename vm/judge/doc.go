// Package judge turns what a kernel's run produced into verdicts: a guest's
// result stream (or a VM's end) into one cell per spec (PASS, FAIL, SKIP,
// TIMEOUT, MISS, XFAIL, XPASS), the expectations of known failures, the
// cross-check with the kernel's own selftests, and the matrix of every
// kernel with its exit code. Filter is the one way to name the specs a run
// is about.
//
// It may import vm/kernels, vm/image, vm/boot and the foundation.
package judge
