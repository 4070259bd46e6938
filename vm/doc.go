// Package vm runs the pidfdconf suites inside QEMU across kernels and kernel
// configs and reports one verdict matrix. It is the pipeline only: Run calls
// the stages in order, each a package of its own that never imports a later
// one (stages_test.go enforces it):
//
//	kernels  a kernel spec (host, file:, apt:, build:, tree:) → a bootable kernel and its config
//	image    the suites, /init and the role binary compiled; the initramfs (+ the kernel's selftests)
//	kselftest  the suites as the kselftest collection (make kselftest-install), its busybox
//	         guests' layer and the reading of run_kselftest.sh's KTAP with kunit_parser.py
//	boot     QEMU (PVH when the kernel has it), a silent or dying guest stopped; the host column
//	judge    a guest's stream → verdicts per spec; expectations, the selftest cross-check, the matrix
//	report   every report of a run from the one matrix: text, markdown, HTML, JSON, JUnit, KTAP
//	gate     after a run: regressions against a baseline, shards merged, bisection verdicts
//	mutants  `make mutants`: kernel mutations built and booted through this pipeline
//
// Below every stage lies the foundation they share (setup, cache, format,
// frame, suiterun, configs, selinux); vm/guest is the /init inside the
// VM and imports the foundation only.
//
// In this package: run.go (Run and its configuration), build.go (the build
// stage for every architecture of a run), column.go (one kernel's run,
// natively or in a VM), bare.go (a boot with /init alone, for make bench),
// kselftest.go and kselftest_check.go (matrix -kselftest: each VM column
// booted once more as a lab runs kselftests, and judged against the
// column's own run).
//
// The command is vm/cmd/pidfdconf-vm; vm/vm.mk wires it into make.
package vm
