// Package boot runs a kernel: QEMU with the console on ttyS0 and the result
// stream on ttyS1, the kernel's vmlinux through its PVH entry when it has
// one, a guest that panics, stays silent or outlives its deadline stopped
// with the reason; and the host column, whose suites run natively and are
// returned as the stream a guest would have sent. QEMU runs confined
// (confine.go: seccomp sandbox, nobody when the runner is root, files
// opened by the runner) and what it writes is capped (consolelog.go,
// results.go): the kernel under test may be hostile.
//
// It may import vm/kernels, vm/image and the foundation; it judges nothing.
package boot
