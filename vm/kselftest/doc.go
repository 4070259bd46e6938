// Package kselftest is the suites as the kselftest collection "pidfdconf"
// (make kselftest-install: one static program per suite printing KTAP, the
// role binary beside them, the collection's settings and its lines in
// kselftest-list.txt, with the kernel's run_kselftest.sh), and what the VM
// runner needs to run that install as a lab would, in a guest with a shell:
// Debian's busybox-static for the guest's kernel, the layer of the
// initramfs that holds busybox, the install and the script /init starts,
// and the reading of run_kselftest.sh's output with the kernel's own KTAP
// parser (kunit_parser.py, through tools/ktap/kselftest_counts.py).
//
// It may import vm/kernels, vm/image and the foundation.
package kselftest
