// Package image builds what a VM boots besides its kernel: the suites,
// vm/guest (/init) and cmd/pidfdconf-role compiled static for an
// architecture, the reproducible initramfs holding them (and, for
// lsm-selinux, Debian's policy), and the kernel's own pidfd selftests of a
// version, appended as a second archive.
//
// It may import vm/kernels and the foundation.
package image
